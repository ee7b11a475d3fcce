"""Starting a plan (new or regenerated) and, when it went to the worker queue, its ticket in the visitor's session.

`start_new` / `start_regenerate` hand the work to `jobs.submit_plan`. When that generated the plan in this process
(queue off, or Redis unreachable) the plan is stored at once and the caller gets the record, exactly as before the
queue existed. When it queued a job the caller gets a ticket, kept in this session only: the wait page finds it
there or answers 404, so a ticket in someone else's URL is useless. `finish` stores a finished job's plan once,
then remembers the plan's key so a repeated poll goes to the same plan rather than storing it twice.

One queued plan at a time per session (`pending`) and per client address (`ADDRESS_PENDING`): a plan or regeneration
from another session of an address whose queued plan has not been built yet raises `SolveInFlight` (the view answers
429 at once), so one address cannot fill the queue ahead of everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from config.client_ip import client_ip
from config.rate_limits import SolveInFlight

from . import jobs, plan_changes, plan_store
from .models import Plan
from .plan_store import PlanRecord

TICKETS = "planner_tickets"
MAX_TICKETS = 10  # older tickets fall out of the session
ADDRESS_PENDING = "plan-pending-address:{}"  # the ticket of an address's latest queued plan


@dataclass(frozen=True)
class Started:
    ticket: str | None = None  # queued: wait for this ticket
    record: PlanRecord | None = None  # generated here and already stored
    already_waiting: bool = False  # nothing new started: `ticket` is this session's plan still being built


def pending(request) -> str | None:
    """The ticket of this session's plan still in the queue, if any: a session has at most one at a time."""
    for ticket, found in request.session.get(TICKETS, {}).items():
        if "plan" not in found and jobs.job_state(ticket).status == jobs.WAITING:
            return ticket
    return None


def _address_waiting(request) -> None:
    """Raise SolveInFlight when this address has a plan still in the queue (from another session: a session's own
    is found by `pending` first)."""
    if not jobs.queue_enabled():
        return
    ticket = cache.get(ADDRESS_PENDING.format(client_ip(request)))
    if ticket is not None and jobs.job_state(ticket).status == jobs.WAITING:
        raise SolveInFlight("address")


def _queued_for_address(request, ticket: str) -> None:
    cache.set(ADDRESS_PENDING.format(client_ip(request)), ticket, jobs.QUEUED_TTL + jobs.job_timeout())


def start_new(request, profile_data: dict) -> Started:
    if waiting := pending(request):
        return Started(ticket=waiting, already_waiting=True)
    _address_waiting(request)
    submitted = jobs.submit_plan(profile_data)
    if submitted.ticket:
        _queued_for_address(request, submitted.ticket)
        _remember(request, submitted.ticket, {"profile_data": profile_data})
        return Started(ticket=submitted.ticket)
    return Started(record=plan_store.new_draft(request, profile_data, submitted.document))


def start_regenerate(request, record: PlanRecord) -> Started:
    """A new plan for `record` with the next seed, keeping its locked meals and its number of days.

    A locked lunch that is the leftover of a locked dinner stays that dinner's second portion (not cooked again)."""
    if waiting := pending(request):
        return Started(ticket=waiting, already_waiting=True)
    _address_waiting(request)
    seed = record.seed + 1
    days = len(record.document.get("days", [])) or None
    locked, links = record.locked_meals(), record.locked_leftovers()
    submitted = jobs.submit_plan(record.profile_data, seed=seed, days=days, locked=locked, locked_leftovers=links)
    if submitted.ticket:
        _queued_for_address(request, submitted.ticket)
        _remember(request, submitted.ticket, {"key": record.key, "seed": seed})
        return Started(ticket=submitted.ticket)
    record.seed, record.document = seed, submitted.document
    plan_store.put_plan(request, record)
    plan_changes.changed(request.user, record.saved, plan_changes.REGENERATED)
    return Started(record=record)


def _remember(request, ticket: str, entry: dict) -> None:
    tickets = request.session.get(TICKETS, {})
    tickets[ticket] = entry
    while len(tickets) > MAX_TICKETS:
        tickets.pop(next(iter(tickets)))
    request.session[TICKETS] = tickets


def entry(request, ticket: str) -> dict | None:
    """This session's entry for `ticket`, or None: a ticket is visible only in the session that made it."""
    return request.session.get(TICKETS, {}).get(ticket)


def is_regenerate(ticket_entry: dict) -> bool:
    return "key" in ticket_entry


def finish(request, ticket: str, document: dict) -> PlanRecord:
    """Store a finished job's plan: a new draft, or the regenerated record if it is still this visitor's (else 404)."""
    tickets = request.session.get(TICKETS, {})
    found = tickets[ticket]
    if is_regenerate(found):
        record = plan_store.get_plan(request, found["key"])  # Http404 when it is gone or not this visitor's
        record.seed, record.document = found["seed"], document
        plan_store.put_plan(request, record)
        plan_changes.changed(request.user, record.saved, plan_changes.REGENERATED)
    else:
        record = plan_store.new_draft(request, found["profile_data"], document)
    tickets[ticket] = {**found, "plan": record.key}
    request.session[TICKETS] = tickets
    return record


# Tickets for API clients, who may have no session: kept in the cache by ticket. A ticket made by a signed-in client
# (token or session) is that person's only; one made anonymously is as private as its random id (a UUID4).
CLIENT_TICKET = "plan-client-ticket:{}"
CLIENT_TICKET_TTL = jobs.RESULT_TTL + jobs.QUEUED_TTL


@dataclass(frozen=True)
class ClientStarted:
    ticket: str | None = None  # queued
    document: dict | None = None  # generated here
    plan: Plan | None = None  # generated here and saved (when asked to)


@dataclass(frozen=True)
class ClientState:
    status: str  # jobs.WAITING, DONE, FAILED, MISSING or UNAVAILABLE
    document: dict | None = None
    plan: Plan | None = None


def _owner_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def start_for_client(profile_data: dict, *, seed: int = 0, user=None, save_as: str | None = None) -> ClientStarted:
    """A plan for an API client: queued (a ticket) or generated now; saved for `user` as `save_as` when given."""
    submitted = jobs.submit_plan(profile_data, seed=seed)
    if submitted.ticket:
        entry = {"owner": _owner_id(user), "save_as": save_as, "profile_data": profile_data, "seed": seed}
        cache.set(CLIENT_TICKET.format(submitted.ticket), entry, CLIENT_TICKET_TTL)
        return ClientStarted(ticket=submitted.ticket)
    plan = None
    if save_as is not None:
        plan = plan_store.save_new(user, save_as, profile_data, submitted.document, seed=seed)
    return ClientStarted(document=submitted.document, plan=plan)


def client_state(ticket: str, user) -> ClientState | None:
    """Where a client's queued plan is; None when the ticket is unknown, expired or someone else's."""
    key = CLIENT_TICKET.format(ticket)
    found = cache.get(key)
    if found is None or (found["owner"] is not None and found["owner"] != _owner_id(user)):
        return None
    state = jobs.job_state(ticket)
    if state.status != jobs.DONE:
        return ClientState(state.status)
    plan = None
    if found["save_as"] is not None:
        plan = Plan.objects.filter(pk=found.get("plan")).first() if found.get("plan") else None
        if plan is None:  # stored once; the next poll finds it
            name, profile_data = found["save_as"], found["profile_data"]
            plan = plan_store.save_new(user, name, profile_data, state.document, seed=found["seed"])
            cache.set(key, {**found, "plan": plan.pk}, CLIENT_TICKET_TTL)
    return ClientState(jobs.DONE, state.document, plan)
