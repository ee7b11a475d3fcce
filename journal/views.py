"""Journal pages. Views only route: who may see what in `access`, reads in `selectors`/`eaten`/`trends`,
writes in `services`, rules in `forms`/`labs_view`/`reminders`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from config import page_cache
from nutrition.models import Food
from planner import plan_labels
from planner.models import Meal

from . import eaten, exports, reminders, selectors, services, summary, trends
from .access import open_journal
from .forms import IronCourseForm, LabResultForm, MarkForm, NightForm
from .labs_view import DRAW_ADVICE, lab_rows
from .models import IronCourse, LabResult, Night

RECENT_NIGHTS = 14
MARK_BUTTONS = (("eaten", "Eaten"), ("skipped", "Skipped"))


def _journal(request, *, write=False):
    return open_journal(request.user, write=write)


def _empty_night_fields(yesterday: dt.date) -> str:
    """The quick night form's fields, empty but for last night's date: the same for everyone (nobody's data, and the
    CSRF token sits outside them), so rendered once a day per release (page_cache.cached) rather than widget by
    widget on every visit, which was most of the page's CPU."""

    def build() -> str:
        form = NightForm(initial={"date": yesterday})
        return render_to_string("journal/forms.html#night-fields", {"form": form})

    return mark_safe(page_cache.cached("journal-night-fields", (yesterday.isoformat(),), build))  # noqa: S308


@login_required
def home(request):
    journal = _journal(request)
    today = timezone.localdate()
    body = page_cache.personal(
        request,
        "journal-home",
        lambda: (selectors.stamp(journal), today),
        lambda token: _home_body(request, journal, today, token),
    )
    return render(request, "journal/home.html", {"body": body})


def _home_body(request, journal, today: dt.date, token: str) -> str:
    """The home page's body for this journal (all of it but the site's header and footer), with `token` for the
    CSRF token: kept in the page cache under the journal's stamp and the day (`page_cache.personal`)."""
    context = {
        "night_fields": _empty_night_fields(today - dt.timedelta(days=1)),
        "nights": selectors.nights(journal)[:RECENT_NIGHTS],
        "labs": lab_rows(selectors.latest_labs(journal).values(), journal.person),
        "retest": reminders.retest_due(journal, today),
        "plans": journal.plans().only("pk", "name", "document", "updated_at"),
        "iron_courses": selectors.iron_courses(journal)[:3],
        "iron_form": IronCourseForm(),
        "has_demo": selectors.has_demo_entries(journal),
        "draw_advice": DRAW_ADVICE,
        "today": today,
        "csrf_token": token,
    }
    return render_to_string("journal/home.html#body", context, request)


# ---- Nights ----


@login_required
def nights(request):
    journal = _journal(request)
    return render(request, "journal/nights.html", {"nights": selectors.nights(journal)})


def _night_page(request, form, night=None, clash=None, status=200):
    context = {"form": form, "night": night, "clash": clash}
    return render(request, "journal/night_form.html", context, status=status)


@login_required
def night_add(request):
    journal = _journal(request, write=True)
    if request.method != "POST":
        return _night_page(request, NightForm(initial={"date": timezone.localdate() - dt.timedelta(days=1)}))
    form = NightForm(request.POST, instance=Night(owner=journal.person))
    return _save_night(request, journal, form)


@login_required
def night_edit(request, pk):
    journal = _journal(request, write=True)
    night = journal.entry_to_change(Night, pk)
    if request.method != "POST":
        return _night_page(request, NightForm(instance=night), night)
    return _save_night(request, journal, NightForm(request.POST, instance=night), night)


def _save_night(request, journal, form, night=None):
    if not form.is_valid():
        return _night_page(request, form, night, status=422 if request.htmx else 200)
    try:
        saved = services.save_night(journal, form, replace=request.POST.get("replace", ""))
    except services.NightClash as clash:
        return _night_page(request, form, night, clash=clash.existing)
    messages.success(request, f"Saved the night of {saved.date:%-d %B %Y}.")
    return redirect("journal:home")


# ---- Labs ----


@login_required
def labs(request):
    journal = _journal(request)
    context = {
        "rows": lab_rows(selectors.lab_results(journal), journal.person),
        "latest": lab_rows(selectors.latest_labs(journal).values(), journal.person),
        "form": LabResultForm(person=journal.person),
        "draw_advice": DRAW_ADVICE,
    }
    return render(request, "journal/labs.html", context)


@login_required
def lab_add(request):
    journal = _journal(request, write=True)
    form = LabResultForm(request.POST or None, person=journal.person)
    if request.method == "POST" and form.is_valid():
        result = services.save_entry(journal, form)
        messages.success(request, f"Saved {result.get_lab_display().lower()} of {result.date:%-d %B %Y}.")
        return redirect("journal:labs")
    return render(request, "journal/lab_form.html", {"form": form})


@login_required
def lab_edit(request, pk):
    journal = _journal(request, write=True)
    result = journal.entry_to_change(LabResult, pk)
    form = LabResultForm(request.POST or None, instance=result, person=journal.person)
    if request.method == "POST" and form.is_valid():
        services.save_entry(journal, form)
        messages.success(request, "Lab result updated.")
        return redirect("journal:labs")
    return render(request, "journal/lab_form.html", {"form": form, "result": result})


# ---- Deleting (nights, labs, iron courses): a confirmation page, then a POST ----

DELETABLE = {"night": (Night, "journal:home"), "lab": (LabResult, "journal:labs"), "iron": (IronCourse, "journal:home")}


@login_required
def delete(request, kind, pk):
    if kind not in DELETABLE:
        raise Http404
    model, back = DELETABLE[kind]
    journal = _journal(request, write=True)
    entry = journal.entry_to_change(model, pk)
    if request.method == "POST":
        services.delete_entry(journal, model, pk)
        messages.success(request, f"Deleted: {entry}.")
        return redirect(back)
    return render(request, "journal/confirm_delete.html", {"entry": entry, "kind": kind, "back": back})


@login_required
@require_POST
def iron_add(request):
    journal = _journal(request, write=True)
    form = IronCourseForm(request.POST)
    if form.is_valid():
        services.save_entry(journal, form)
        messages.success(request, "Iron course saved: the journal will remind you when a retest is due.")
        return redirect("journal:home")
    return render(request, "journal/iron_form.html", {"form": form})


# ---- Meals eaten against a saved plan ----


def _day_date(request) -> dt.date:
    raw = request.POST.get("date") or request.GET.get("date")
    if not raw:
        return timezone.localdate()
    try:
        date = dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404 from None
    if date > timezone.localdate():
        raise Http404
    return date


def _day_context(journal, plan, day, date, form=None):
    return {
        "plan": plan,
        # "From your dietitian Dana" on a plan someone built for this person (planner.plan_labels), or None
        "label": plan_labels.labels_for(journal.person, [plan.pk]).get(plan.pk),
        "day": services.plan_day(plan, day),
        "date": date,
        "eaten": eaten.day_view(journal, plan, day, date),
        "form": form,
        "foods": Food.objects.order_by("name").values_list("name", flat=True),
        "meals": Meal.objects.active().only("pk", "name", "slot"),
        "today": timezone.localdate(),
        "marks": MARK_BUTTONS,
    }


@login_required
def meals_day(request, plan, day):
    journal = _journal(request)
    plan = get_object_or_404(journal.plans(), pk=plan)
    return render(request, "journal/day.html", _day_context(journal, plan, day, _day_date(request)))


@login_required
@require_POST
def mark(request, plan, day, slot):
    journal = _journal(request, write=True)
    plan = get_object_or_404(journal.plans(), pk=plan)
    services.planned_meal(plan, day, slot)
    date = _day_date(request)
    form = MarkForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["status"] == "clear":
            services.unmark_meal(journal, date, slot)
        else:
            services.mark_meal(journal, plan, day, slot, date, **form.mark_values())
        form = None
    if request.htmx:
        context = _day_context(journal, plan, day, date, form)
        context["error_slot"] = slot if form else None
        return render(request, "journal/day.html#day-body", context)
    if form is not None:
        context = _day_context(journal, plan, day, date, form)
        context["error_slot"] = slot
        return render(request, "journal/day.html", context, status=200)
    return redirect(f"{reverse('journal:day', args=[plan.pk, day])}?date={date.isoformat()}#meal-{slot}")


# ---- Trends, summary, reminder, exports ----


@login_required
def trends_page(request):
    journal = _journal(request)
    weeks = trends.chosen_weeks(request.GET.get("weeks"))
    return render(request, "journal/trends.html", {"weeks": weeks, **trends.trends_view(journal, weeks)})


@login_required
def summary_page(request):
    journal = _journal(request)
    weeks = trends.chosen_weeks(request.GET.get("weeks"), default=12)
    return render(request, "journal/summary.html", summary.summary_view(journal, weeks))


@login_required
def retest_ics(request):
    journal = _journal(request)
    due = reminders.retest_due(journal)
    if due is None:
        raise Http404
    response = HttpResponse(reminders.retest_calendar(due, request.get_host()), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="restful-plate-retest.ics"'
    return response


@login_required
def export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    journal = _journal(request)
    content_type, body = exports.export(journal, fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="restful-plate-journal.{fmt}"'
    return response
