"""The one-page summary for a clinician visit: the period's labs, nights and targets eaten, in plain numbers."""

from __future__ import annotations

import pandas as pd

from nutrition.models import RLS_NUTRIENTS

from .access import Journal
from .labs_view import DRAW_ADVICE, lab_rows
from .models import IronCourse, LabResult, MealMark, Night
from .trends import NOT_CAUSATION, NUTRIENT_NAMES, PERIODS, eaten_frame, night_frame, period

SEVERE_FROM = 7  # nights at or above this severity are counted apart


def summary_view(journal: Journal, weeks: int) -> dict:
    start, end = period(weeks)
    results = journal.entries(LabResult).filter(date__range=(start, end)).order_by("date", "lab")
    before = journal.entries(LabResult).filter(date__lt=start).order_by("-date").first()
    nights = night_frame(journal, start, end)
    count = len(nights)
    # The period's weeks end today; only those with a night logged count (a week without entries is unknown, not a
    # week without caffeine), so "per week logged" is per week that has nights.
    logged_weeks = int(((nights["date"] - pd.Timestamp(start)).dt.days // 7).nunique()) if count else 0
    night_summary = {
        "count": count,
        "logged_weeks": logged_weeks,
        "mean_severity": round(float(nights["severity"].mean()), 1) if count else None,
        "severe": int((nights["severity"] >= SEVERE_FROM).sum()) if count else 0,
        "mean_sleep": round(float(nights["hours_slept"].astype("float64").mean()), 1)
        if count and nights["hours_slept"].notna().any()
        else None,
        "aggravators": [
            (name, round(float(nights[name].sum()) / logged_weeks, 1) if count else None)
            for name in ("caffeine", "alcohol", "nicotine")
        ],
        "irls": [(row.date, int(row.irls_total)) for row in nights.itertuples() if pd.notna(row.irls_total)],
    }
    eaten = eaten_frame(journal, start, end)
    shares = [
        (NUTRIENT_NAMES[code], None if eaten.empty else round(100 * float(eaten[code].astype("float64").mean())))
        for code in RLS_NUTRIENTS
    ]
    return {
        "person": journal.person,
        "weeks": weeks,
        "periods": PERIODS,
        "start": start,
        "end": end,
        "labs": lab_rows(results, journal.person),
        "lab_before": lab_rows([before], journal.person)[0] if before else None,
        "nights": night_summary,
        "severe_from": SEVERE_FROM,
        "eaten_days": len(eaten),
        "shares": shares,
        "iron_courses": journal.entries(IronCourse).filter(started__lte=end).order_by("started"),
        "has_demo": any(journal.entries(m).filter(demo=True).exists() for m in (LabResult, Night, MealMark)),
        "draw_advice": DRAW_ADVICE,
        "not_causation": NOT_CAUSATION.replace("These charts show", "These figures show"),
    }
