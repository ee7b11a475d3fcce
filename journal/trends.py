"""The journal over a period: labs against their bands, nights with a 7-day rolling mean, targets eaten.

Series are daily over the period (pandas); a rolling mean on a date is the mean of the values logged in the
7 days up to and including it (days without an entry are left out, not counted as 0). Eaten shares use only
days whose every planned meal was marked. Three queries for any period: labs, nights, meal marks (plus one
for the foods' amounts).
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import mark_safe

from nutrition.models import RLS_NUTRIENTS
from nutrition.selectors import amounts_per_100g

from .access import Journal, entries_of
from .labs_view import FERRITIN_LINES, TSAT_LINES
from .models import LabResult, MealMark, Night

# The tables' rows, built here rather than in the template: a year is thousands of cells, and the template
# engine took most of the page's time over them.
ROW_NIGHT = (
    '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>'
)
ROW_EATEN = '<tr><th scope="row">{}</th>' + '<td class="num">{} <span class="muted">({})</span></td>' * 6 + "</tr>"
PERIODS = (4, 12, 26, 52)  # weeks
WINDOW = 7  # days in a rolling mean
NUTRIENT_NAMES = {
    "iron_mg": "Iron",
    "folate_ug_dfe": "Folate",
    "magnesium_mg": "Magnesium",
    "vitamin_b12_ug": "Vitamin B12",
    "vitamin_d_ug": "Vitamin D",
    "vitamin_c_mg": "Vitamin C",
}
NOT_CAUSATION = (
    "These charts show what happened at the same time, not what caused what: a better week after more iron, or a "
    "worse night after coffee, can be chance or something else. Talk it over with your clinician."
)


def chosen_weeks(raw, default: int = 12) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in PERIODS else default


def period(weeks: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=7 * weeks - 1), today


def rolling_mean(values, start: dt.date, end: dt.date):
    """Daily series over [start, end] of the mean of the values dated in the 7 days up to each date (`values`
    may start up to 6 days before `start`, so that the first days' means see their whole week)."""
    lead = pd.Timestamp(start) - pd.Timedelta(days=WINDOW - 1)
    daily = values.reindex(pd.date_range(lead, end, freq="D"))
    return daily.rolling(WINDOW, min_periods=1).mean().loc[pd.Timestamp(start) :]


def _series(frame: pd.DataFrame, column: str) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype="float64")
    return frame.set_index("date")[column].astype("float64")


def _json_list(series: pd.Series, digits: int = 2) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), digits) for v in series]


def night_frame(journal: Journal, start: dt.date, end: dt.date) -> pd.DataFrame:
    rows = (
        journal.entries(Night)
        .filter(date__range=(start, end))
        .order_by("date")
        .values_list("date", "severity", "hours_slept", "caffeine", "alcohol", "nicotine", "irls_total")
    )
    frame = pd.DataFrame(
        list(rows), columns=["date", "severity", "hours_slept", "caffeine", "alcohol", "nicotine", "irls_total"]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _empty_eaten_frame() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime([]), **{code: pd.Series(dtype="float64") for code in RLS_NUTRIENTS}})


def eaten_frame(journal: Journal, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per complete eaten day (every planned meal marked): the share (0-1+) of each of the six targets
    eaten. Vectorised: the foods eaten as one table, joined to their amounts, summed per day."""
    return eaten_frames([journal], start, end)[journal.person.pk]


def eaten_frames(journals: list[Journal], start: dt.date, end: dt.date) -> dict[int, pd.DataFrame]:
    """`eaten_frame` of several journals by person id, in two queries whatever their number (the marks, and the
    amounts of every food eaten)."""
    rows = list(
        entries_of(journals, MealMark)
        .filter(date__range=(start, end))
        .values_list("owner_id", "date", Cast("items", TextField()), Cast("targets", TextField()), "day_meals")
    )
    by_owner: dict[int, list] = {journal.person.pk: [] for journal in journals}
    for row in rows:
        by_owner[row[0]].append(row[1:])
    food_ids = set()
    parsed = {}
    for owner, owner_rows in by_owner.items():
        if owner_rows:
            dates, items_text, targets_text, day_meals = zip(*owner_rows, strict=True)
            # A year is ~1,500 marks: one JSON document for all of them decodes far faster than one per mark.
            all_items = json.loads("[" + ",".join(items_text) + "]")
            all_targets = json.loads("[" + ",".join(targets_text) + "]")
            food_ids |= {item["food_id"] for items in all_items for item in items}
            parsed[owner] = (dates, all_items, all_targets, day_meals)
    amounts = amounts_per_100g(sorted(food_ids)) if food_ids else {}
    return {owner: _frame(*parsed[owner], amounts) if owner in parsed else _empty_eaten_frame() for owner in by_owner}


def _frame(dates, all_items, all_targets, day_meals, amounts) -> pd.DataFrame:
    day_list = sorted(set(dates))
    day_index = {day: i for i, day in enumerate(day_list)}
    marked = np.bincount([day_index[d] for d in dates], minlength=len(day_list))
    needed = np.zeros(len(day_list), dtype=int)
    targets = np.full((len(day_list), len(RLS_NUTRIENTS)), np.nan)
    for date, meals, goal in zip(dates, day_meals, all_targets, strict=True):
        i = day_index[date]
        needed[i] = max(needed[i], meals)
        targets[i] = [goal.get(code, np.nan) for code in RLS_NUTRIENTS]
    # Foods eaten x nutrients: grams times amount per 100 g, summed per day (unknown amounts add nothing).
    food_day = [
        (day_index[date], item["food_id"], item["grams"])
        for date, items in zip(dates, all_items, strict=True)
        for item in items
    ]
    totals = np.zeros((len(day_list), len(RLS_NUTRIENTS)))
    if food_day:
        day_of, food_ids, grams = (np.array(column) for column in zip(*food_day, strict=True))
        foods = sorted(set(food_ids.tolist()))
        per_100 = np.array([[amounts.get(f, {}).get(code, 0.0) for code in RLS_NUTRIENTS] for f in foods])
        row_of = np.searchsorted(foods, food_ids)
        np.add.at(totals, day_of, per_100[row_of] * grams[:, None] / 100.0)
    complete = marked >= needed
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = totals[complete] / targets[complete]
    frame = pd.DataFrame(shares, columns=list(RLS_NUTRIENTS))
    frame.insert(0, "date", pd.to_datetime([d for d, keep in zip(day_list, complete, strict=True) if keep]))
    return frame


def trends_view(journal: Journal, weeks: int, today: dt.date | None = None) -> dict:
    start, end = period(weeks, today)
    days = pd.date_range(start, end, freq="D")
    labels = [d.strftime("%Y-%m-%d") for d in days]

    labs = list(
        journal.entries(LabResult)
        .filter(lab__in=("ferritin", "transferrin_saturation"), date__range=(start, end))
        .order_by("date", "pk")
    )
    lab_series = {}
    for name in ("ferritin", "transferrin_saturation"):
        points = pd.Series({pd.Timestamp(r.date): r.value for r in labs if r.lab == name}, dtype="float64")
        points = points[~points.index.duplicated(keep="last")]
        lab_series[name] = _json_list(points.reindex(days), 1)

    lead = start - dt.timedelta(days=WINDOW - 1)  # the week before the period feeds its first rolling means
    nights = night_frame(journal, lead, end)
    severity = rolling_mean(_series(nights, "severity"), start, end)
    nights = nights[nights["date"] >= pd.Timestamp(start)]
    hours = _series(nights, "hours_slept").reindex(days)

    eaten = eaten_frame(journal, lead, end)
    rolled = rolling_mean(eaten.set_index("date")[list(RLS_NUTRIENTS)].astype("float64"), start, end) * 100
    eaten = eaten[eaten["date"] >= pd.Timestamp(start)]
    shares = {code: rolled[code] for code in RLS_NUTRIENTS}

    night_rows = list(
        zip(
            nights["date"].dt.strftime("%-d %b %Y"),
            nights["severity"],
            _formatted(severity.reindex(nights["date"]), "{:.1f}"),
            _formatted(nights["hours_slept"].astype("float64"), "{:g}"),
            [
                ", ".join(n for n, on in zip(("caffeine", "alcohol", "nicotine"), ticks, strict=True) if on)
                for ticks in zip(nights["caffeine"], nights["alcohol"], nights["nicotine"], strict=True)
            ],
            strict=True,
        )
    )
    means = pd.DataFrame(shares).reindex(eaten["date"])
    columns = [eaten["date"].dt.strftime("%-d %b %Y")]
    for code in RLS_NUTRIENTS:
        columns += [_formatted(eaten[code].astype("float64") * 100, "{:.0f}%"), _formatted(means[code], "{:.0f}%")]
    eaten_rows = list(zip(*columns, strict=True))

    chart = {
        "labels": labels,
        "ferritin": lab_series["ferritin"],
        "ferritin_lines": [[value, text] for value, text in FERRITIN_LINES],
        "tsat": lab_series["transferrin_saturation"],
        "tsat_lines": [[value, text] for value, text in TSAT_LINES],
        "severity": _json_list(nights.set_index("date")["severity"].astype("float64").reindex(days), 0)
        if not nights.empty
        else [None] * len(days),
        "severity_mean": _json_list(severity),
        "hours": _json_list(hours),
        "eaten": {NUTRIENT_NAMES[code]: _json_list(shares[code], 1) for code in RLS_NUTRIENTS},
    }
    return {
        "start": start,
        "end": end,
        "periods": PERIODS,
        "chart": chart,
        "labs": labs,
        "night_count": len(night_rows),
        "night_table": _table_rows(ROW_NIGHT, night_rows),
        "eaten_count": len(eaten_rows),
        "eaten_table": _table_rows(ROW_EATEN, eaten_rows),
        "nutrient_names": [NUTRIENT_NAMES[c] for c in RLS_NUTRIENTS],
        "not_causation": NOT_CAUSATION,
        "ferritin_lines": FERRITIN_LINES,
        "tsat_lines": TSAT_LINES,
    }


def _table_rows(pattern: str, rows) -> str:
    """Rows of numbers, dates and fixed words that this module formatted itself (no text a person typed), so
    nothing in them needs escaping; anything typed must never be added here."""
    return mark_safe("\n".join(pattern.format(*row) for row in rows))  # noqa: S308


def _formatted(values, pattern: str) -> list[str]:
    """Each value formatted, an empty string where it is unknown (NaN)."""
    return ["" if v != v else pattern.format(v) for v in values.tolist()]
