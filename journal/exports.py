"""The journal as tables (pandas): CSV with one row per record and a `kind` column, XLSX with a sheet per kind.

Text a person typed (notes, places) could start with `=`, `+`, `-`, `@`, a tab or a carriage return, which a
spreadsheet would run as a formula; such cells get a leading apostrophe (OWASP's advice on CSV injection).
Values stay in the unit entered, with the canonical value beside it; unknown stays empty, never 0.
"""

from __future__ import annotations

import io

import pandas as pd
from django.db.models import F

from nutrition.exports import escape_formula_text
from planner import labs as lab_rules

from .access import Journal
from .forms import NightForm
from .labs_view import shown_value
from .models import IronCourse, LabResult, MealMark, Night

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KINDS = ("lab", "night", "meal", "iron_course")
COLUMNS = {
    "lab": ["date", "lab", "value", "unit", "value_canonical", "canonical_unit", "where_drawn", "note", "demo"],
    "night": [*NightForm._meta.fields, "demo"],  # what the night form asks, in its order
    "meal": ["date", "slot", "planned_meal", "status", "replaced_by", "grams", "plan", "plan_day", "demo"],
    "iron_course": ["date", "course", "note", "demo"],
}
# Whole numbers and ticks keep their type in the combined table, where other kinds leave them empty.
DTYPES = {
    "severity": "Int64",
    "minutes_to_sleep": "Int64",
    "times_woken": "Int64",
    "irls_total": "Int64",
    "plan_day": "Int64",
    "caffeine": "boolean",
    "alcohol": "boolean",
    "nicotine": "boolean",
    "demo": "boolean",
}
def records(journal: Journal) -> dict[str, list[dict]]:
    """Every entry of the journal as plain rows, by kind (the exports and the account's data download)."""
    labs = [
        {
            "date": r.date,
            "lab": r.lab,
            "value": round(shown_value(r), 4),
            "unit": r.unit,
            "value_canonical": round(r.value, 4),
            "canonical_unit": lab_rules.LABS[r.lab].canonical_unit,
            "where_drawn": r.where_drawn,
            "note": r.note,
            "demo": r.demo,
        }
        for r in journal.entries(LabResult).order_by("date", "lab", "pk")
    ]
    nights = [{name: getattr(n, name) for name in COLUMNS["night"]} for n in journal.entries(Night).order_by("date")]
    meals = [
        {
            "date": m.date,
            "slot": m.slot,
            "planned_meal": m.planned_name,
            "status": m.status,
            "replaced_by": m.food_name or m.meal_name or "",
            "grams": m.grams,
            "plan": m.plan_name or "",
            "plan_day": m.plan_day,
            "demo": m.demo,
        }
        for m in journal.entries(MealMark)
        .annotate(plan_name=F("plan__name"), food_name=F("food__name"), meal_name=F("meal__name"))
        .defer("items", "targets")
        .order_by("date", "slot_index")
    ]
    courses = [
        {"date": c.started, "course": c.kind, "note": c.note, "demo": c.demo}
        for c in journal.entries(IronCourse).order_by("started")
    ]
    return {"lab": labs, "night": nights, "meal": meals, "iron_course": courses}


def frames(journal: Journal) -> dict[str, pd.DataFrame]:
    """A table per kind, text cells made safe for spreadsheets."""
    out = {}
    for kind, rows in records(journal).items():
        frame = pd.DataFrame(rows, columns=COLUMNS[kind])
        frame = frame.astype({c: t for c, t in DTYPES.items() if c in frame.columns})
        for column in frame.columns:
            if not (pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column])):
                continue
            frame[column] = frame[column].map(escape_formula_text)
        out[kind] = frame
    return out


def combined(journal: Journal) -> pd.DataFrame:
    """Every record as one row, `kind` first, the columns of all kinds after it (empty where they don't apply)."""
    parts = [frame.assign(kind=kind) for kind, frame in frames(journal).items()]
    columns = ["kind"] + list(dict.fromkeys(c for kind in KINDS for c in COLUMNS[kind]))
    non_empty = [p for p in parts if not p.empty]
    if not non_empty:
        return pd.DataFrame(columns=columns)
    return pd.concat(non_empty, ignore_index=True).reindex(columns=columns)


def export(journal: Journal, fmt: str) -> tuple[str, bytes]:
    if fmt == "csv":
        return CONTENT_TYPES[fmt], combined(journal).to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for kind, frame in frames(journal).items():
            frame.to_excel(writer, index=False, sheet_name=kind)
    return CONTENT_TYPES[fmt], buffer.getvalue()
