"""Starting a plan (new or regenerated) and, when it went to the worker queue, its ticket in the visitor's session.

`start_new` / `start_regenerate` hand the work to `jobs.submit_plan`. When that generated the plan in this process
(queue off, or Redis unreachable) the plan is stored at once and the caller gets the record, exactly as before the
queue existed. When it queued a job the caller gets a ticket, kept in this session only: the wait page finds it
there or answers 404, so a ticket in someone else's URL is useless. `finish` stores a finished job's plan once,
then remembers the plan's key so a repeated poll goes to the same plan rather than storing it twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import jobs, plan_store
from .plan_store import PlanRecord

TICKETS = "planner_tickets"
MAX_TICKETS = 10  # older tickets fall out of the session


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


def start_new(request, profile_data: dict) -> Started:
    if waiting := pending(request):
        return Started(ticket=waiting, already_waiting=True)
    submitted = jobs.submit_plan(profile_data)
    if submitted.ticket:
        _remember(request, submitted.ticket, {"profile_data": profile_data})
        return Started(ticket=submitted.ticket)
    return Started(record=plan_store.new_draft(request, profile_data, submitted.document))


def start_regenerate(request, record: PlanRecord) -> Started:
    """A new plan for `record` with the next seed, keeping its locked meals and its number of days."""
    if waiting := pending(request):
        return Started(ticket=waiting, already_waiting=True)
    seed = record.seed + 1
    days = len(record.document.get("days", [])) or None
    submitted = jobs.submit_plan(record.profile_data, seed=seed, days=days, locked=record.locked_meals())
    if submitted.ticket:
        _remember(request, submitted.ticket, {"key": record.key, "seed": seed})
        return Started(ticket=submitted.ticket)
    record.seed, record.document = seed, submitted.document
    plan_store.put_plan(request, record)
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
    else:
        record = plan_store.new_draft(request, found["profile_data"], document)
    tickets[ticket] = {**found, "plan": record.key}
    request.session[TICKETS] = tickets
    return record
