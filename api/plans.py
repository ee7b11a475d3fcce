"""POST targets and plans, queued plans' tickets, and the signed-in owner's saved plans (list, read, rename,
delete, swap a meal, lock a meal): the planner's own functions, as JSON."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated

from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Status

from config.rate_limits import IN_FLIGHT_RETRY, SolveInFlight, one_solve_at_a_time, used_up
from planner import plan_changes, plan_store, plan_tickets
from planner.models import Plan
from planner.profiles import parse_profile
from planner.targets import daily_targets

from .auth import ANYONE, SIGNED_IN
from .errors import FieldError, RateLimited
from .paging import page_of
from .schemas import (
    MAX_ID,
    MAX_PAGE_SIZE,
    TEXT,
    TICKET,
    Error,
    LockIn,
    MealRef,
    PlanDocument,
    PlanRename,
    ProfileIn,
    SavedPlan,
    SavedPlanPage,
    TargetOut,
    Ticket,
    TicketState,
)

router = Router(tags=["plans"])
PlanId = Annotated[int, Path(ge=1, le=MAX_ID)]
SAVE_AS = "Also save the plan under this name (needs an account)."
# Documented answers besides success: 400 (body not JSON), 401 (no or bad credentials), 403 (a session without its
# CSRF token), 404, 413 (body too large), 422 (a field at fault), 429 (rate-limited).
CHANGE = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error}
LIMITED = {**CHANGE, 429: Error}


def _limit(request, group: str) -> None:
    """Count this request against `group`'s rate (settings.RATE_LIMITS) for the caller's token, account or address."""
    wait = used_up(request, group, request.auth.limit_key, per_address=False)
    if wait is not None:
        raise RateLimited(wait)


@contextmanager
def _one_solve(request):
    """The solve in the block as this caller's only one (address, session and account, as on the pages); a second
    while the first runs is refused with 429 at once, before anything is solved."""
    try:
        with one_solve_at_a_time(request):
            yield
    except SolveInFlight:
        raise RateLimited(IN_FLIGHT_RETRY) from None


def _profile_data(profile) -> dict:
    """The checked profile as generate_plan's dict (parse_profile decides; the schema only describes)."""
    return parse_profile(profile.model_dump(exclude_unset=True)).to_dict()


@router.post("targets", response={200: dict[str, TargetOut], 400: Error, 401: Error, 413: Error, 422: Error},
             auth=ANYONE,
             summary="Daily targets for a profile, with the reason for each")
def compute_targets(request, profile: ProfileIn):
    targets = daily_targets(parse_profile(profile.model_dump(exclude_unset=True)))
    return {code: {"name": t.name, **t.as_dict()} for code, t in targets.items()}


def _saved(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "name": plan.name,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
        "seed": plan.seed,
        "locked": plan.locked,
        "profile": plan.profile_data,
        "document": plan.document,
    }


@router.post("plans", response={200: PlanDocument, 201: SavedPlan, 202: Ticket, **LIMITED}, auth=ANYONE,
             summary="A meal plan for a profile (202 and a ticket when plans are queued)")
def create_plan(
    request,
    profile: ProfileIn,
    seed: Annotated[int, Query(ge=0, le=1_000_000, description="Same seed, same plan.")] = 0,
    save_as: Annotated[str | None, Query(min_length=1, max_length=120, pattern=TEXT, description=SAVE_AS)] = None,
):
    if save_as is not None and not request.auth.signed_in:
        raise FieldError(401, "save_as", "save_as: saving a plan needs an account (a token or a session).")
    profile_data = _profile_data(profile)
    _limit(request, "api-plans")
    with _one_solve(request):
        started = plan_tickets.start_for_client(profile_data, seed=seed, user=request.auth.user, save_as=save_as)
    if started.ticket:
        return Status(202, {"ticket": started.ticket, "url": reverse("api:v1:plan_ticket", args=[started.ticket])})
    if started.plan is not None:
        return Status(201, _saved(started.plan))
    return Status(200, started.document)


@router.get("plans/tickets/{ticket}", response={200: TicketState, 401: Error, 404: Error, 422: Error}, auth=ANYONE,
            summary="A queued plan: waiting, done (with the plan), failed or missing")
def plan_ticket(request, ticket: Annotated[str, Path(pattern=TICKET)]):
    state = plan_tickets.client_state(ticket, request.auth.user)
    if state is None:
        raise Http404
    return {"status": state.status, "plan": state.document, "saved_plan_id": state.plan.pk if state.plan else None}


def _owned(request, plan_id: PlanId) -> Plan:
    plan = Plan.objects.owned_by(request.auth.user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


@router.get("plans", response={200: SavedPlanPage, 401: Error, 422: Error}, auth=SIGNED_IN,
            summary="Your saved plans, newest first")
def list_plans(
    request,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
):
    plans = Plan.objects.owned_by(request.auth.user).only("pk", "name", "created_at", "updated_at")
    return page_of(plans, page, page_size, _listed)


def _listed(plan: Plan) -> dict:
    return {"id": plan.pk, "name": plan.name, "created_at": plan.created_at, "updated_at": plan.updated_at}


@router.get("plans/{plan_id}", response={200: SavedPlan, 401: Error, 404: Error, 422: Error}, auth=SIGNED_IN,
            summary="One of your saved plans")
def get_plan(request, plan_id: PlanId):
    return _saved(_owned(request, plan_id))


@router.patch("plans/{plan_id}", response={200: SavedPlan, **CHANGE},
              auth=SIGNED_IN, summary="Rename one of your saved plans")
def rename_plan(request, plan_id: PlanId, change: PlanRename):
    record = plan_store.saved_record(_owned(request, plan_id))
    record.name = change.name.strip() or record.name
    saved = plan_store.save_record(record)
    plan_changes.changed(request.user, saved, plan_changes.RENAMED, saved.name)
    return _saved(saved)


@router.delete("plans/{plan_id}", response={204: None, 401: Error, 403: Error, 404: Error, 422: Error}, auth=SIGNED_IN,
               summary="Delete one of your saved plans")
def delete_plan(request, plan_id: PlanId):
    plan = _owned(request, plan_id)
    plan_changes.changed(request.user, plan, plan_changes.DELETED)
    plan.delete()
    return Status(204, None)


@router.post("plans/{plan_id}/swap", response={200: SavedPlan, **LIMITED}, auth=SIGNED_IN,
             summary="Swap one meal for the best alternative, keeping the others")
def swap_meal(request, plan_id: PlanId, meal: MealRef):
    record = plan_store.saved_record(_owned(request, plan_id))
    _limit(request, "api-swaps")
    before = plan_changes.meal_words(record, meal.day, meal.slot_index)
    with _one_solve(request):
        plan_store.swap(record, meal.day, meal.slot_index)
    saved = plan_store.save_record(record)
    words = plan_changes.swap_words(before, record, meal.day, meal.slot_index)
    plan_changes.changed(request.user, saved, plan_changes.SWAPPED, words)
    return _saved(saved)


@router.post("plans/{plan_id}/lock", response={200: SavedPlan, **CHANGE},
             auth=SIGNED_IN, summary="Lock or unlock one meal (Regenerate keeps locked meals)")
def lock_meal(request, plan_id: PlanId, meal: LockIn):
    record = plan_store.saved_record(_owned(request, plan_id))
    locked = plan_store.lock(record, meal.day, meal.slot_index, meal.locked)
    saved = plan_store.save_record(record)
    action = plan_changes.LOCKED if locked else plan_changes.UNLOCKED
    plan_changes.changed(request.user, saved, action, plan_changes.meal_words(record, meal.day, meal.slot_index))
    return _saved(saved)
