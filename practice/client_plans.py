"""Plans a dietitian builds for a client: generate, regenerate, swap, lock, publish, withdraw; each change logged.

Storage, swapping and locking are the planner's (`planner.plan_store`); this module only decides who the plan
belongs to (nobody while a draft, the client once published) and writes the change log. The views reach a
`ClientPlan` only through `practice.access.client_plan`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from journal.access import Journal
from journal.models import MealMark
from planner import plan_store
from planner.models import Plan
from planner.plan_changes import meal_words, swap_words
from planner.plan_labels import PlanLabel
from planner.profiles import parse_profile
from planner.services import generate_plan

from .models import ClientPlan, PlanChange

MESSAGE_MAX = ClientPlan._meta.get_field("message").max_length


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "a deleted account"


def log(client_plan: ClientPlan, actor, action: str, detail: str = "") -> PlanChange:
    return PlanChange.objects.create(
        client_plan=client_plan, actor=actor, actor_name=person_name(actor), action=action, detail=detail[:300]
    )


def create(dietitian, client, profile_data: dict, name: str) -> ClientPlan:
    """Generate a plan for `client` from `profile_data`: a draft only `dietitian` sees."""
    document = generate_plan(parse_profile(profile_data))  # the solve, outside the transaction
    with transaction.atomic():
        plan = Plan.objects.create(owner=None, name=name, profile_data=profile_data, document=document)
        client_plan = ClientPlan.objects.create(
            plan=plan, client=client, dietitian=dietitian, dietitian_name=person_name(dietitian)
        )
        days = len(document.get("days", []))
        log(client_plan, dietitian, PlanChange.Action.GENERATED, f"{days} day{'s' if days != 1 else ''}")
    return client_plan


def record_of(client_plan: ClientPlan) -> plan_store.PlanRecord:
    return plan_store.saved_record(client_plan.plan)


def regenerate(client_plan: ClientPlan, actor) -> None:
    """A new plan with the next seed, keeping the locked meals (a locked leftover of a locked dinner stays its second
    portion) and the number of days."""
    record = record_of(client_plan)
    record.seed += 1
    days = len(record.document.get("days", [])) or None
    record.document = generate_plan(
        parse_profile(record.profile_data),
        seed=record.seed,
        days=days,
        locked=record.locked_meals(),
        locked_leftovers=record.locked_leftovers(),
    )
    with transaction.atomic():
        plan_store.save_record(record)
        log(client_plan, actor, PlanChange.Action.REGENERATED, f"{len(record.locked)} locked meal(s) kept")


def swap(client_plan: ClientPlan, actor, day: int, slot_index: int) -> None:
    """Raises `plan_store.NoSuchMeal` for a day or slot the plan does not have."""
    record = record_of(client_plan)
    before = meal_words(record, day, slot_index)
    plan_store.swap(record, day, slot_index)
    with transaction.atomic():
        plan_store.save_record(record)
        log(client_plan, actor, PlanChange.Action.SWAPPED, swap_words(before, record, day, slot_index))


def lock(client_plan: ClientPlan, actor, day: int, slot_index: int) -> bool:
    """Toggle a meal's lock; raises `plan_store.NoSuchMeal`."""
    record = record_of(client_plan)
    locked = plan_store.lock(record, day, slot_index)
    with transaction.atomic():
        plan_store.save_record(record)
        action = PlanChange.Action.LOCKED if locked else PlanChange.Action.UNLOCKED
        log(client_plan, actor, action, meal_words(record, day, slot_index))
    return locked


@transaction.atomic
def publish(client_plan: ClientPlan, actor, message: str) -> None:
    """The client sees the plan among theirs from now on, with `message`."""
    Plan.objects.filter(pk=client_plan.plan_id).update(owner=client_plan.client_id, updated_at=timezone.now())
    client_plan.plan.owner_id = client_plan.client_id
    client_plan.state = ClientPlan.State.PUBLISHED
    client_plan.message = message.strip()[:MESSAGE_MAX]
    client_plan.published_at = timezone.now()
    client_plan.dietitian_name = person_name(actor)
    client_plan.save(update_fields=["state", "message", "published_at", "dietitian_name"])
    log(client_plan, actor, PlanChange.Action.PUBLISHED, client_plan.message)


@transaction.atomic
def withdraw(client_plan: ClientPlan, actor) -> None:
    """The client no longer sees the plan (their journal keeps the meals they marked eaten)."""
    Plan.objects.filter(pk=client_plan.plan_id).update(owner=None)
    client_plan.plan.owner_id = None
    client_plan.state = ClientPlan.State.WITHDRAWN
    client_plan.save(update_fields=["state"])
    log(client_plan, actor, PlanChange.Action.WITHDRAWN)


def plans_for(dietitian, client):
    return ClientPlan.objects.filter(dietitian=dietitian, client=client).select_related("plan")


def marks_on(journal: Journal, client_plan: ClientPlan) -> dict[tuple[int, int], list[MealMark]]:
    """The client's journal marks on this plan, by (day, slot_index), newest first."""
    marks: dict[tuple[int, int], list[MealMark]] = {}
    for mark in journal.entries(MealMark).filter(plan=client_plan.plan_id).select_related("food", "meal"):
        marks.setdefault((mark.plan_day, mark.slot_index), []).append(mark)
    return marks


def on_plan_changed(user, plan, action: str, detail: str = "") -> None:
    """`planner.plan_changes` listener: a change the client made to a plan published to them (through the planner's
    pages or the API) goes into the plan's log; a deletion keeps the record, marked deleted by the client."""
    found = ClientPlan.objects.filter(plan=plan.pk).first()
    if found is None or action not in PlanChange.Action.values:
        return
    log(found, user, action, detail)
    if action == PlanChange.Action.DELETED:
        found.state = ClientPlan.State.DELETED
        found.save(update_fields=["state"])


def labels(user, plan_ids: list[int]) -> dict[int, PlanLabel]:
    """`planner.plan_labels` provider: "From your dietitian <name>" and the message on plans published to `user`."""
    return {
        found.plan_id: PlanLabel(f"From your dietitian {found.dietitian_name}", found.message, found.published_at)
        for found in ClientPlan.objects.published().filter(client=user, plan__in=plan_ids, plan__owner=user)
    }


def before_account_deletion(user) -> None:
    """Plans not published belong to nobody but their ClientPlan: delete them with a dietitian's or a client's
    account. Published plans are the client's: they go with the client's account, and stay (with the message) when
    the dietitian's account is deleted."""
    unpublished = ClientPlan.objects.exclude(state=ClientPlan.State.PUBLISHED).filter(plan__owner__isnull=True)
    ids = list(unpublished.filter(dietitian=user).values_list("plan_id", flat=True)) + list(
        unpublished.filter(client=user).values_list("plan_id", flat=True)
    )
    Plan.objects.filter(pk__in=ids, owner__isnull=True).delete()
