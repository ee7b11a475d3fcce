"""The journal's shapes in the API, derived from the journal's own forms, so that a field and its rules are stated
once: the schema gives clients and the docs each field's type, choices and range (as documentation), and the form
decides (`api.journal` feeds it the body), so the API accepts and refuses exactly what the journal pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from journal.forms import LabResultForm, MarkEntryForm, NightForm
from journal.models import MARK_CHOICES
from planner import labs as lab_rules

from .schemas import MAX_ID, Page

# The API's name for a form field, where they differ (a food or meal is sent by id).
API_NAMES = {"food": "food_id", "meal": "meal_id"}


def _kind(field: forms.Field) -> tuple[type, dict]:
    """The JSON type of a form field, and what the form checks, stated for the schema (not enforced by it)."""
    if isinstance(field, forms.BooleanField):
        return bool, {}
    if isinstance(field, forms.ModelChoiceField):
        return int, {}
    if isinstance(field, forms.FloatField | forms.IntegerField):
        number = float if isinstance(field, forms.FloatField) else int
        bounds = {"minimum": field.min_value, "maximum": field.max_value}
        return number, {k: v for k, v in bounds.items() if v is not None}
    if isinstance(field, forms.DateField):
        return dt.date, {}
    if isinstance(field, forms.ChoiceField):
        choices = [str(value) for value, _label in field.choices if value != ""]
        return str, {"enum": choices if field.required else [*choices, "", None]}
    return str, {"maxLength": field.max_length} if getattr(field, "max_length", None) else {}


def _description(field: forms.Field) -> str | None:
    return ": ".join(str(part) for part in (field.label, field.help_text) if part) or None


def form_schema(name: str, form: forms.BaseForm, *, partial: bool = False, only=None, doc: str = "", before=None):
    """A pydantic model of `form`'s fields (`only` picks and orders them): required as the form requires them,
    or none required (`partial`, for PATCH); `before`: fields that are not the form's, first. Unknown keys are
    refused."""
    fields = dict(before or {})
    for form_name in only or form.fields:
        field = form.fields[form_name]
        kind, documented = _kind(field)
        required = field.required and not partial
        info = Field(... if required else None, description=_description(field), json_schema_extra=documented or None)
        fields[API_NAMES.get(form_name, form_name)] = (kind if required else kind | None, info)
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc or None, **fields)


def form_output(name: str, form: forms.BaseForm, base=Schema, doc: str = ""):
    """The stored entry as the API returns it, field by field as the form names them."""
    fields = {}
    for form_name, field in form.fields.items():
        kind, _documented = _kind(field)
        nullable = not field.required and kind is not bool
        fields[API_NAMES.get(form_name, form_name)] = (kind | None if nullable else kind, ...)
    return create_model(name, __base__=base, __doc__=doc or None, **fields)


class Entry(Schema):
    id: int
    demo: bool = Field(description="Made by `manage.py demo_journal`: example data, not the person's own entry.")
    created_at: dt.datetime
    updated_at: dt.datetime


LAB_DOC = (
    "A lab result as the journal's lab form takes it: the value in one of the units a lab prints (`unit`). It is "
    "stored in the lab's canonical unit and shown again in the unit entered. Labs: "
    + ", ".join(f"`{lab.name}` ({lab.label}, canonical {lab.unit_label()})" for lab in lab_rules.LABS.values())
    + "."
)
NIGHT_DOC = "A night, dated by the evening it began (one per date), as the journal's night form takes it."
_lab_form, _night_form, _mark_form = LabResultForm(), NightForm(), MarkEntryForm()

LabIn = form_schema("LabIn", _lab_form, doc=LAB_DOC)
LabPatch = form_schema("LabPatch", _lab_form, partial=True, doc="Any fields of a lab result; the rest are kept.")


class LabOut(Entry):
    date: dt.date
    lab: str
    value: float = Field(description="In the unit it was entered in (`unit`).")
    unit: str
    value_canonical: float = Field(description="In the lab's canonical unit (`canonical_unit`).")
    canonical_unit: str
    where_drawn: str
    note: str


class LabPage(Page):
    results: list[LabOut]


NightIn = form_schema("NightIn", _night_form, doc=NIGHT_DOC)
NightPatch = form_schema("NightPatch", _night_form, partial=True, doc="Any fields of a night; the rest are kept.")
NightOut = form_output("NightOut", _night_form, base=Entry)


class NightPage(Page):
    results: list[NightOut]


MARK_DOC = (
    "What became of one planned meal of one of your saved plans on a date: `eaten`, `skipped`, or `replaced` by a "
    "food (`food_id` with `grams`) or by another meal (`meal_id`). What was eaten is written down with the mark, so "
    "a later swap in the plan leaves it alone."
)


# Which planned meal, of which saved plan (checked against the plan, as the day page's URL is).
MARK_PLACE = {
    "plan_id": (int, Field(..., ge=1, le=MAX_ID, description="One of your saved plans.")),
    "day": (int, Field(..., ge=1, le=MAX_ID, description="1-based day of that plan.")),
    "slot_index": (int, Field(..., ge=0, le=MAX_ID, description="The meal's slot_index in that day.")),
}
MarkIn = form_schema(
    "MarkIn", _mark_form, only=("date", "status", "food", "grams", "meal"), doc=MARK_DOC, before=MARK_PLACE
)
MarkPatch = form_schema(
    "MarkPatch", _mark_form, partial=True, only=("status", "food", "grams", "meal"),
    doc="A new status (and what replaced the meal); the date, plan and meal stay.",
)


class ItemOut(Schema):
    food_id: int
    grams: float


class MarkOut(Entry):
    date: dt.date
    plan_id: int | None = Field(description="null once the plan has been deleted (the mark stays).")
    day: int
    slot_index: int
    slot: str
    planned_meal: str
    status: str = Field(json_schema_extra={"enum": [value for value, _label in MARK_CHOICES]})
    food_id: int | None
    grams: float | None
    meal_id: int | None
    items: list[ItemOut] = Field(description="What was eaten: foods and grams, written when the mark was made.")


class MarkPage(Page):
    results: list[MarkOut]


def as_form_data(data: dict[str, Any]) -> dict[str, Any]:
    """An API body (its names) as form data (the form's names)."""
    form_names = {api: form for form, api in API_NAMES.items()}
    return {form_names.get(key, key): value for key, value in data.items()}


def api_name(form_field: str) -> str | None:
    return None if form_field == "__all__" else API_NAMES.get(form_field, form_field)
