"""Your journal as JSON: lab results, nights and meal marks (eaten, skipped, replaced against a saved plan).

Everything goes through the journal's own pieces: `journal.access.open_journal` (your own journal only: another
person's entry is a 404, as on the pages), its forms (the rules and their messages, so the API accepts and refuses
exactly what the pages do) and its services (the writes). Errors name the field in the API's own names.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.forms.models import model_to_dict
from django.http import Http404
from ninja import Path, Query, Router, Status

from journal import services
from journal.access import open_journal
from journal.forms import LabResultForm, MarkEntryForm, NightForm
from journal.labs_view import shown_value
from journal.models import LabResult, MealMark, Night
from planner import labs as lab_rules

from .auth import SIGNED_IN
from .errors import FieldError
from .journal_schemas import (
    LabIn,
    LabOut,
    LabPage,
    LabPatch,
    MarkIn,
    MarkOut,
    MarkPage,
    MarkPatch,
    NightIn,
    NightOut,
    NightPage,
    NightPatch,
    api_name,
    as_form_data,
)
from .paging import page_of
from .schemas import MAX_ID, MAX_PAGE_SIZE, Error

router = Router(tags=["journal"], auth=SIGNED_IN)
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
From = Annotated[dt.date | None, Query(alias="from", description="Only entries on or after this date.")]
To = Annotated[dt.date | None, Query(alias="to", description="Only entries on or before this date.")]
READ = {401: Error, 422: Error}
ONE = {401: Error, 404: Error, 422: Error}
# 400 (body not JSON), 401, 403 (a session without its CSRF token), 404, 413 (body too large), 422 (a field at fault)
CHANGE = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error}
CLASH = (
    "A night whose date already has one is refused with **409** (`field` is `date`, and the detail names the "
    "existing night's id), unless `replace` is that id: then this night takes its place, as when you confirm on "
    "the journal's page."
)
REPLACE = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="The id of the night on that date that this one replaces.")
]


def _journal(request, *, write: bool = False):
    return open_journal(request.auth.user, write=write)


def _checked(form):
    """The form's first complaint as a 422 naming the field (the form's message, as the page shows it)."""
    if form.is_valid():
        return form
    name, errors = next(iter(form.errors.items()))
    raise FieldError(422, api_name(name), str(errors[0]))


def _dated(entries, since, until, field="date"):
    if since and until and since > until:
        raise FieldError(422, "from", "from: must be on or before 'to'")
    if since:
        entries = entries.filter(**{f"{field}__gte": since})
    if until:
        entries = entries.filter(**{f"{field}__lte": until})
    return entries


def _entry(entry) -> dict:
    return {"id": entry.pk, "demo": entry.demo, "created_at": entry.created_at, "updated_at": entry.updated_at}


# ---- Labs ----


def _lab(result: LabResult) -> dict:
    return {
        **_entry(result),
        "date": result.date,
        "lab": result.lab,
        "value": round(shown_value(result), 4),
        "unit": result.unit,
        "value_canonical": result.value,
        "canonical_unit": lab_rules.LABS[result.lab].canonical_unit,
        "where_drawn": result.where_drawn,
        "note": result.note,
    }


def _lab_as_entered(result: LabResult) -> dict:
    """A stored result as its form shows it again: the value in the unit it was entered in."""
    data = model_to_dict(result, fields=LabResultForm._meta.fields)
    data["value"] = round(shown_value(result), 4)
    return data


@router.get("journal/labs", response={200: LabPage, **READ}, summary="Your lab results, newest first")
def list_labs(
    request,
    lab: Annotated[str | None, Query(max_length=32, description="Only this lab (e.g. ferritin).")] = None,
    since: From = None,
    until: To = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    results = _dated(_journal(request).entries(LabResult).order_by("-date", "lab", "-pk"), since, until)
    if lab is not None:
        if lab not in lab_rules.LABS:
            raise FieldError(422, "lab", f"lab: {lab!r} is not a lab; use any of {', '.join(lab_rules.LABS)}")
        results = results.filter(lab=lab)
    return page_of(results, page, page_size, _lab)


@router.post("journal/labs", response={201: LabOut, **CHANGE}, summary="Add a lab result")
def add_lab(request, result: LabIn):
    journal = _journal(request, write=True)
    form = _checked(LabResultForm(as_form_data(result.model_dump()), person=journal.person))
    return Status(201, _lab(services.save_entry(journal, form)))


@router.get("journal/labs/{lab_id}", response={200: LabOut, **ONE}, summary="One of your lab results")
def get_lab(request, lab_id: EntryId):
    return _lab(_journal(request).entry(LabResult, lab_id))


@router.patch("journal/labs/{lab_id}", response={200: LabOut, **CHANGE}, summary="Change one of your lab results")
def change_lab(request, lab_id: EntryId, change: LabPatch):
    journal = _journal(request, write=True)
    result = journal.entry_to_change(LabResult, lab_id)
    data = {**_lab_as_entered(result), **as_form_data(change.model_dump(exclude_unset=True))}
    form = _checked(LabResultForm(data, instance=result, person=journal.person))
    return _lab(services.save_entry(journal, form))


@router.delete("journal/labs/{lab_id}", response={204: None, **CHANGE}, summary="Delete one of your lab results")
def delete_lab(request, lab_id: EntryId):
    services.delete_entry(_journal(request, write=True), LabResult, lab_id)
    return Status(204, None)


# ---- Nights ----


def _night(night: Night) -> dict:
    return {**_entry(night), **model_to_dict(night, fields=NightForm._meta.fields)}


def _save_night(journal, form, replace: int | None) -> Night:
    try:
        return services.save_night(journal, _checked(form), replace=str(replace or ""))
    except services.NightClash as clash:
        raise FieldError(
            409, "date", f"date: the night of {clash.existing.date} is already in the journal (id "
            f"{clash.existing.pk}); send replace={clash.existing.pk} to replace it."
        ) from None


@router.get("journal/nights", response={200: NightPage, **READ}, summary="Your nights, newest first")
def list_nights(request, since: From = None, until: To = None, page: PageNumber = 1, page_size: PageSize = 50):
    return page_of(_dated(_journal(request).entries(Night).order_by("-date"), since, until), page, page_size, _night)


@router.post("journal/nights", response={201: NightOut, 409: Error, **CHANGE}, summary="Add a night",
             description=CLASH)
def add_night(request, night: NightIn, replace: REPLACE = None):
    journal = _journal(request, write=True)
    form = NightForm(as_form_data(night.model_dump()), instance=Night(owner=journal.person))
    return Status(201, _night(_save_night(journal, form, replace)))


@router.get("journal/nights/{night_id}", response={200: NightOut, **ONE}, summary="One of your nights")
def get_night(request, night_id: EntryId):
    return _night(_journal(request).entry(Night, night_id))


@router.patch("journal/nights/{night_id}", response={200: NightOut, 409: Error, **CHANGE},
              summary="Change one of your nights", description=CLASH.replace("A night whose date", "A new date that"))
def change_night(request, night_id: EntryId, change: NightPatch, replace: REPLACE = None):
    journal = _journal(request, write=True)
    night = journal.entry_to_change(Night, night_id)
    data = {**model_to_dict(night, fields=NightForm._meta.fields), **change.model_dump(exclude_unset=True)}
    return _night(_save_night(journal, NightForm(data, instance=night), replace))


@router.delete("journal/nights/{night_id}", response={204: None, **CHANGE}, summary="Delete one of your nights")
def delete_night(request, night_id: EntryId):
    services.delete_entry(_journal(request, write=True), Night, night_id)
    return Status(204, None)


# ---- Meals eaten, skipped or replaced ----


def _mark(mark: MealMark) -> dict:
    return {
        **_entry(mark),
        "date": mark.date,
        "plan_id": mark.plan_id,
        "day": mark.plan_day,
        "slot_index": mark.slot_index,
        "slot": mark.slot,
        "planned_meal": mark.planned_name,
        "status": mark.status,
        "food_id": mark.food_id,
        "grams": mark.grams,
        "meal_id": mark.meal_id,
        "items": mark.items,
    }


def _marked(journal, plan, day: int, slot_index: int, date, form) -> MealMark:
    """`services.mark_meal` with the planned meal checked first, naming the field at fault (the day page's URL)."""
    if plan is None:
        raise FieldError(422, "plan_id", "plan_id: you have no saved plan with this id")
    try:
        services.plan_day(plan, day)
    except Http404:
        raise FieldError(422, "day", f"day: the plan has no day {day}") from None
    try:
        services.planned_meal(plan, day, slot_index)
    except Http404:
        raise FieldError(422, "slot_index", f"slot_index: day {day} of the plan has no meal {slot_index}") from None
    return services.mark_meal(journal, plan, day, slot_index, date, **form.mark_values())


@router.get("journal/eaten", response={200: MarkPage, **READ}, summary="Your meal marks, newest first")
def list_marks(
    request,
    since: From = None,
    until: To = None,
    plan_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only marks against this plan.")] = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
):
    marks = _dated(_journal(request).entries(MealMark).order_by("-date", "slot_index"), since, until)
    if plan_id is not None:
        marks = marks.filter(plan_id=plan_id)
    return page_of(marks.defer("targets"), page, page_size, _mark)


@router.post(
    "journal/eaten",
    response={200: MarkOut, 201: MarkOut, **CHANGE},
    summary="Mark a planned meal eaten, skipped or replaced",
    description="One mark per date and meal slot: a mark for a date and slot that has one replaces it (200), as on "
    "the journal's day page; a new one is 201.",
)
def add_mark(request, mark: MarkIn):
    journal = _journal(request, write=True)
    body = mark.model_dump()
    form = _checked(MarkEntryForm(as_form_data(body)))
    date = form.cleaned_data["date"]
    existed = journal.entries(MealMark).filter(date=date, slot_index=body["slot_index"]).exists()
    plan = journal.plans().filter(pk=body["plan_id"]).first()
    saved = _marked(journal, plan, body["day"], body["slot_index"], date, form)
    return Status(200 if existed else 201, _mark(saved))


@router.get("journal/eaten/{mark_id}", response={200: MarkOut, **ONE}, summary="One of your meal marks")
def get_mark(request, mark_id: EntryId):
    return _mark(_journal(request).entry(MealMark, mark_id))


@router.patch("journal/eaten/{mark_id}", response={200: MarkOut, **CHANGE},
              summary="Change what became of a marked meal")
def change_mark(request, mark_id: EntryId, change: MarkPatch):
    journal = _journal(request, write=True)
    mark = journal.entry_to_change(MealMark, mark_id)
    data = {
        "date": mark.date,
        "status": mark.status,
        "food": mark.food_id,
        "grams": mark.grams,
        "meal": mark.meal_id,
        **as_form_data(change.model_dump(exclude_unset=True)),
    }
    form = _checked(MarkEntryForm(data))
    plan = journal.plans().filter(pk=mark.plan_id).first() if mark.plan_id else None
    if plan is None:
        raise FieldError(422, "plan_id", "plan_id: the plan of this mark was deleted; delete the mark instead")
    return _mark(_marked(journal, plan, mark.plan_day, mark.slot_index, mark.date, form))


@router.delete("journal/eaten/{mark_id}", response={204: None, **CHANGE}, summary="Delete one of your meal marks")
def delete_mark(request, mark_id: EntryId):
    services.delete_entry(_journal(request, write=True), MealMark, mark_id)
    return Status(204, None)
