"""The dietitian's plan builder for a client: the planner's form with the client's latest profile and labs, then
the plan page (swap, lock, regenerate, publish with a message, withdraw) with the client's eaten marks and the
change log. Every view reaches the client through `practice.access` (404 unless the sharing is active now)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.rate_limits import rate_limited, solve, solves, user_account
from journal.plan_prefill import lab_prefill
from planner import plan_pages, plan_store
from planner.forms import PlanForm
from workspace.access import dietitian_required

from . import client_plans, selectors
from .access import client_journal, client_plan
from .client_plans import MESSAGE_MAX


def _plan_url(found):
    return reverse("practice:client_plan", kwargs={"client": found.client_id, "pk": found.pk})


def _default_name(request) -> str:
    return f"Plan from {client_plans.person_name(request.user)}, {timezone.localdate():%-d %b %Y}"


@solves(lambda: ("plan",))
@dietitian_required
def plan_new(request, client):
    """GET: the form, filled in from the client's latest profile and latest journal labs. POST: generate a draft."""
    journal = client_journal(request.user, client)
    link = selectors.active_link(request.user, journal.person)
    prefill = lab_prefill(journal, whose="the client's")
    if request.method == "POST":
        form = PlanForm(request.POST)
        name = request.POST.get("plan_name", "").strip()[:120] or _default_name(request)
        if form.is_valid():

            def start():
                found = client_plans.create(request.user, journal.person, form.profile_data(), name)
                messages.success(request, "A draft plan: only you see it until you publish it.")
                return redirect(_plan_url(found))

            return solve(request, ("plan",), start, user_account(request))  # one solve at a time, as the planner's
    else:
        profile = selectors.latest_profile(journal)
        initial = PlanForm.initial_from(profile.profile_data()) if profile else {}
        form = PlanForm(initial={**initial, **prefill.initial})
        name = _default_name(request)
    context = {
        "form": form,
        "link": link,
        "client": journal.person,
        "plan_name": name,
        "prefill_notes": prefill.notes,
        "profile": selectors.latest_profile(journal),
    }
    return render(request, "practice/plan_new.html", context)


@dietitian_required
def plan_page(request, client, pk):
    journal, found = client_plan(request.user, client, pk)
    link = selectors.active_link(request.user, journal.person)
    if found.plan_id is None:  # the client deleted it: the record and its log stay
        context = {"found": found, "link": link, "client": journal.person, "changes": found.changes.all()}
        return render(request, "practice/client_plan_deleted.html", context)
    record = client_plans.record_of(found)
    view = plan_pages.plan_view(record)
    marks = client_plans.marks_on(journal, found)
    for day in view["days"]:
        for meal in day["meals"]:
            meal["marks"] = marks.get((day["day"], meal["slot_index"]), [])
            meal["extra_class"] = f"mark-{meal['marks'][0].status}" if meal["marks"] else ""
    context = {
        "found": found,
        "record": record,
        "link": link,
        "client": journal.person,
        "marks_count": sum(len(m) for m in marks.values()),
        "changes": found.changes.all(),
        "message_max": MESSAGE_MAX,
        **view,
    }
    return render(request, "practice/client_plan.html", context)


def _change(request, client, pk, change, done: str):
    _journal, found = client_plan(request.user, client, pk)
    if found.plan_id is None:
        raise Http404
    try:
        change(found)
    except plan_store.NoSuchMeal:
        raise Http404 from None
    messages.success(request, done)
    return redirect(_plan_url(found))


@dietitian_required
@require_POST
@rate_limited("swap", solves=True)
def plan_swap(request, client, pk, day, slot):
    return _change(request, client, pk, lambda f: client_plans.swap(f, request.user, day, slot), "Meal swapped.")


@dietitian_required
@require_POST
def plan_lock(request, client, pk, day, slot):
    return _change(request, client, pk, lambda f: client_plans.lock(f, request.user, day, slot), "Lock changed.")


@dietitian_required
@require_POST
@rate_limited("regenerate", solves=True)
def plan_regenerate(request, client, pk):
    return _change(
        request, client, pk, lambda f: client_plans.regenerate(f, request.user), "A new plan, keeping the locked meals."
    )


@dietitian_required
@require_POST
def plan_publish(request, client, pk):
    message = request.POST.get("message", "")
    if len(message.strip()) > MESSAGE_MAX:
        _journal, found = client_plan(request.user, client, pk)
        messages.error(request, f"Message: at most {MESSAGE_MAX:,} characters; nothing was published.")
        return redirect(_plan_url(found))
    return _change(
        request, client, pk, lambda f: client_plans.publish(f, request.user, message), "Published to the client."
    )


@dietitian_required
@require_POST
def plan_withdraw(request, client, pk):
    return _change(
        request,
        client,
        pk,
        lambda f: client_plans.withdraw(f, request.user),
        "Withdrawn: the client no longer sees it.",
    )
