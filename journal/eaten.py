"""What a person ate, from their meal marks: nutrient totals per date, against their plan's targets.

Totals come from the foods and grams written on each mark and the foods' amounts per 100 g. A nutrient a
food's source does not report stays unknown: it is left out of the total and the page names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from nutrition.models import MACROS, RLS_NUTRIENTS
from nutrition.selectors import amounts_per_100g

from .access import Journal
from .models import MealMark

CODES = (*RLS_NUTRIENTS, *MACROS)


@dataclass
class EatenDay:
    date: dt.date
    marks: list[MealMark]
    totals: dict[str, float] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # codes unknown for at least one food eaten
    targets: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every meal of the planned day marked (eaten, skipped or replaced)."""
        return bool(self.marks) and len(self.marks) >= max(m.day_meals for m in self.marks)

    def share(self, code: str) -> float | None:
        target = self.targets.get(code)
        return self.totals.get(code, 0.0) / target if target else None


def item_totals(items: Iterable[dict], amounts: dict[int, dict[str, float]], codes=CODES):
    """(totals by code, codes unknown for some food) of [{"food_id", "grams"}]."""
    totals = dict.fromkeys(codes, 0.0)
    unknown: set[str] = set()
    for item in items:
        per_100 = amounts.get(item["food_id"], {})
        for code in codes:
            if code in per_100:
                totals[code] += per_100[code] * item["grams"] / 100.0
            else:
                unknown.add(code)
    return totals, unknown


def eaten_days(journal: Journal, since: dt.date | None = None, until: dt.date | None = None) -> list[EatenDay]:
    """Each date with marks, oldest first (two queries whatever the number of days)."""
    marks = journal.entries(MealMark).select_related("food", "meal").order_by("date", "slot_index")
    if since:
        marks = marks.filter(date__gte=since)
    if until:
        marks = marks.filter(date__lte=until)
    marks = list(marks)
    amounts = amounts_per_100g({item["food_id"] for mark in marks for item in mark.items})
    days: dict[dt.date, EatenDay] = {}
    for mark in marks:
        day = days.setdefault(mark.date, EatenDay(mark.date, []))
        day.marks.append(mark)
        totals, unknown = item_totals(mark.items, amounts)
        for code, value in totals.items():
            day.totals[code] = day.totals.get(code, 0.0) + value
        day.unknown |= unknown
        day.targets.update(mark.targets)
    return list(days.values())


def eaten_on(journal: Journal, date: dt.date) -> EatenDay:
    found = eaten_days(journal, since=date, until=date)
    return found[0] if found else EatenDay(date, [])


def day_view(journal: Journal, plan, day_number: int, date: dt.date) -> dict:
    """A planned day on a date: each meal with its mark, and planned and eaten totals against the targets."""
    from .services import plan_day

    day = plan_day(plan, day_number)
    found = eaten_on(journal, date)
    marks = {m.slot_index: m for m in found.marks if m.plan_id == plan.pk and m.plan_day == day_number}
    targets = plan.document.get("targets", {})
    rows = []
    for code in CODES:
        target = targets.get(code, {})
        planned = day.get("totals", {}).get(code)
        value = found.totals.get(code) if found.marks else None
        goal = target.get("target")
        rows.append(
            {
                "code": code,
                "name": target.get("name", code),
                "unit": target.get("unit", ""),
                "target": goal,
                "planned": planned,
                "eaten": value,
                "planned_percent": round(100 * planned / goal) if goal and planned is not None else None,
                "eaten_percent": round(100 * value / goal) if goal and value is not None else None,
                "unknown": code in found.unknown,
            }
        )
    return {
        "meals": [{**meal, "mark": marks.get(meal["slot_index"])} for meal in day["meals"]],
        "rows": rows,
        "marked": len(found.marks),
        "complete": found.complete,
        "other_marks": [m for m in found.marks if m.plan_id != plan.pk or m.plan_day != day_number],
    }
