"""A plausible, clearly marked demo history for one person's journal (`manage.py demo_journal`).

Every entry it makes has `demo=True` and the pages say so. It never touches a journal with entries of the
person's own; it replaces the demo entries it made before. The story: ferritin low at the start, an iron course
started by a clinician, ferritin retested every 12 weeks and slowly rising; RLS worse on evenings with caffeine
or alcohol; most planned meals eaten, a few skipped or replaced by a food.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from planner.models import Plan
from planner.profiles import parse_profile
from planner.services import generate_plan

from .access import Journal
from .models import IronCourse, LabResult, MealMark, Night
from .selectors import has_real_entries
from .services import plan_targets

DEMO_PLAN_NAME = "Demo plan (made by demo_journal)"
DEMO_PROFILE = {
    "age": 45,
    "sex": "female",
    "weight_kg": 66,
    "height_cm": 165,
    "diet": "vegetarian",
    "deficiencies": ["iron"],
    "labs": {"ferritin_ng_ml": 28},
    "days": 3,
}
REPLACEMENTS = (("Apple, raw, with skin", 150), ("Banana, raw", 120), ("Yogurt, plain, whole milk", 170))


class RealEntries(Exception):
    """The journal has the person's own entries: demo data would mix with them."""


def _demo_plan(journal: Journal, plan_document=None) -> Plan:
    Plan.objects.filter(owner=journal.person, name=DEMO_PLAN_NAME).delete()
    document = plan_document or generate_plan(parse_profile(DEMO_PROFILE), seed=7)
    return Plan.objects.create(
        owner=journal.person, name=DEMO_PLAN_NAME, profile_data=DEMO_PROFILE, document=document, seed=7
    )


def fill_demo_journal(
    journal: Journal, weeks: int, *, seed: int = 0, today: dt.date | None = None, plan_document=None
) -> dict[str, int]:
    """Replace the journal's demo entries with `weeks` of demo history; `RealEntries` if it has real ones."""
    if not journal.writable:
        raise PermissionError("only the person writes their journal")
    if has_real_entries(journal):
        raise RealEntries(f"{journal.person.get_username()}'s journal has entries of their own")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    start = today - dt.timedelta(days=7 * weeks)
    owner = journal.person
    with transaction.atomic():
        for model in (LabResult, Night, MealMark, IronCourse):
            journal.entries(model).filter(demo=True).delete()
        plan = _demo_plan(journal, plan_document)
        IronCourse.objects.create(
            owner=owner,
            demo=True,
            started=start + dt.timedelta(days=10),
            kind="oral",
            note="Demo: ferrous sulfate every other day",
        )
        labs = []
        for i, date in enumerate(start + dt.timedelta(weeks=12 * k) for k in range(weeks // 12 + 1)):
            ferritin = 28 + 9 * i + rng.uniform(-3, 3)
            unit = "ug/L" if i % 2 else "ng/mL"
            labs.append(
                LabResult(
                    owner=owner,
                    demo=True,
                    date=date,
                    lab="ferritin",
                    value=round(ferritin, 1),
                    unit=unit,
                    where_drawn="Demo clinic",
                    note="Demo",
                )
            )
            labs.append(
                LabResult(
                    owner=owner,
                    demo=True,
                    date=date,
                    lab="transferrin_saturation",
                    value=round(17 + 2.5 * i + rng.uniform(-2, 2), 1),
                    unit="%",
                    where_drawn="Demo clinic",
                )
            )
        LabResult.objects.bulk_create(labs)

        nights, marks = [], []
        targets = plan_targets(plan)
        days = plan.document["days"]
        for offset in range(7 * weeks):
            date = start + dt.timedelta(days=offset + 1)
            if date >= today:  # tonight has not happened yet
                break
            progress = offset / max(7 * weeks, 1)
            if rng.random() < 0.92:
                caffeine, alcohol = rng.random() < 0.25, rng.random() < 0.15
                severity = 6.5 - 3 * progress + 1.5 * caffeine + 1.0 * alcohol + rng.gauss(0, 1.2)
                severity = max(0, min(10, round(severity)))
                nights.append(
                    Night(
                        owner=owner,
                        demo=True,
                        date=date,
                        severity=severity,
                        hours_slept=round(max(2.0, min(10.0, 7.8 - 0.3 * severity + rng.gauss(0, 0.6))) * 4) / 4,
                        minutes_to_sleep=max(5, int(15 + 6 * severity + rng.gauss(0, 10))),
                        times_woken=max(0, int(severity / 3 + rng.gauss(0, 1))),
                        onset="after_6pm" if rng.random() < 0.8 else "before_6pm",
                        caffeine=caffeine,
                        alcohol=alcohol,
                        nicotine=False,
                        note="Demo",
                    )
                )
            day = days[offset % len(days)]
            for meal in day["meals"]:
                roll = rng.random()
                status = "eaten" if roll < 0.78 else "skipped" if roll < 0.9 else "replaced"
                mark = MealMark(
                    owner=owner,
                    demo=True,
                    date=date,
                    plan=plan,
                    plan_day=day["day"],
                    slot_index=meal["slot_index"],
                    slot=meal["slot"],
                    day_meals=len(day["meals"]),
                    planned_name=meal["name"],
                    status=status,
                    targets=targets,
                )
                if status == "eaten":
                    mark.items = [{"food_id": i["food_id"], "grams": i["grams"]} for i in meal["items"]]
                elif status == "replaced":
                    mark.food, mark.grams = _replacement(rng)
                    mark.items = [{"food_id": mark.food.pk, "grams": mark.grams}]
                marks.append(mark)
        Night.objects.bulk_create(nights)
        MealMark.objects.bulk_create(marks)
    return {"labs": len(labs), "nights": len(nights), "meals": len(marks), "iron_courses": 1}


def _replacement(rng: random.Random):
    from nutrition.models import Food

    name, grams = REPLACEMENTS[rng.randrange(len(REPLACEMENTS))]
    food = Food.objects.filter(name=name).first() or Food.objects.order_by("pk").first()
    return food, float(grams)
