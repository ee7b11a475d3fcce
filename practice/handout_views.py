"""Handouts of a saved plan: a web page with print CSS (and a Print button) and the same handout as a PDF.

Two doors, one handout:
- the dietitian of an active sharing, for any plan of the client's they can see (the client's saved plans,
  including the plans built for them), through `practice.access.client_journal`; the name on the cover is the
  client's name as the dietitian wrote it;
- the plan's owner, for their own saved plan, through `journal.access.open_journal`.
Everyone else gets a 404 (an ended sharing, another dietitian's client, someone else's plan), and a signed-out
visitor the sign-in page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from config.rate_limits import too_many_requests, used_up, user_account
from journal.access import open_journal
from workspace.access import dietitian_required

from . import handouts, selectors
from .access import client_journal
from .client_plans import person_name


def _client_context(request, client, plan):
    journal = client_journal(request.user, client)
    link = selectors.active_link(request.user, journal.person)
    found = handouts.handout_plan(journal, plan)
    context = handouts.handout_context(
        journal, found, name=link.client_name, prepared_by=person_name(request.user)
    )
    context["pdf_url"] = reverse("practice:handout_client_pdf", kwargs={"client": client, "plan": plan})
    context["back_url"] = reverse("practice:client_detail", kwargs={"client": client})
    context["back_label"] = link.client_name
    return context


def _own_context(request, plan):
    journal = open_journal(request.user)
    found = handouts.handout_plan(journal, plan)
    context = handouts.handout_context(journal, found, name=person_name(request.user))
    context["pdf_url"] = reverse("practice:handout_pdf", kwargs={"plan": plan})
    context["back_url"] = reverse("planner:detail", kwargs={"key": str(plan)})
    context["back_label"] = found.name
    return context


def _pdf(request, context) -> HttpResponse:
    # A PDF costs about 1.5 s of CPU (bench/handout_bench.py): settings.RATE_LIMITS["handout-pdf"] per account and
    # address, so that no one keeps the app's workers busy. Counted once access is granted.
    if wait := used_up(request, "handout-pdf", user_account(request)):
        return too_many_requests(request, wait)
    response = HttpResponse(handouts.handout_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{handouts.filename(context["plan"])}"'
    return response


@dietitian_required
@never_cache
def client_handout(request, client, plan):
    return render(request, "practice/handout.html", _client_context(request, client, plan))


@dietitian_required
@never_cache
def client_handout_pdf(request, client, plan):
    return _pdf(request, _client_context(request, client, plan))


@login_required
@never_cache
def own_handout(request, plan):
    return render(request, "practice/handout.html", _own_context(request, plan))


@login_required
@never_cache
def own_handout_pdf(request, plan):
    return _pdf(request, _own_context(request, plan))
