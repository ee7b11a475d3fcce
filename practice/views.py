"""The dietitian's clients (list, client page, notes, invitations) and the client's side (accept an
invitation, end a sharing). A client's data is reached only through `practice.access.client_journal`, which
asks `journal.access`: 404 for anyone without an active sharing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal import trends
from journal.selectors import latest_labs
from workspace.access import dietitian_required

from . import client_list_page, client_plans, selectors, services
from .access import client_journal
from .forms import InviteForm, NoteForm
from .models import ClientLink

NEW_LINK_KEY = "practice_new_invitation"


@dietitian_required
def client_list(request):
    return render(request, "practice/client_list.html", {"body": client_list_page.body(request)})


@dietitian_required
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _link, token = services.invite(request.user, form.cleaned_data["client_name"])
        # Shown once: kept in the session only until the next page shows it.
        request.session[NEW_LINK_KEY] = {
            "name": form.cleaned_data["client_name"],
            "url": request.build_absolute_uri(reverse("practice:invitation", kwargs={"token": token})),
        }
        return redirect("practice:invite")
    new = request.session.pop(NEW_LINK_KEY, None)
    return render(request, "practice/invite.html", {"form": form, "new": new})


@dietitian_required
@require_POST
def invitation_withdraw(request, pk):
    link = get_object_or_404(ClientLink, pk=pk, dietitian=request.user, state=ClientLink.State.INVITED)
    services.end_sharing(link)
    messages.success(request, f"The invitation for {link.client_name} is withdrawn.")
    return redirect("practice:client_list")


@dietitian_required
def client_detail(request, client):
    journal = client_journal(request.user, client)
    link = selectors.active_link(request.user, journal.person)
    context = {
        "summary": selectors.client_summary(journal, link, trends.period(1)[1]),
        "labs": latest_labs(journal).values(),
        "plans": journal.plans().only("pk", "name", "updated_at", "profile_data"),
        "profiles": selectors.profiles(journal),
        "notes": selectors.notes(request.user, journal.person),
        "note_form": NoteForm(),
        "built_plans": client_plans.plans_for(request.user, journal.person),
    }
    return render(request, "practice/client_detail.html", context)


@dietitian_required
def client_trends(request, client):
    journal = client_journal(request.user, client)
    link = selectors.active_link(request.user, journal.person)
    weeks = trends.chosen_weeks(request.GET.get("weeks"))
    context = {
        "weeks": weeks,
        "back_url": reverse("practice:client_detail", kwargs={"client": journal.person.pk}),
        "back_label": link.client_name,
        "whose": "their",
        **trends.trends_view(journal, weeks),
    }
    # The journal's own page, read-only by construction: it has no forms.
    return render(request, "journal/trends.html", context)


@dietitian_required
@require_POST
def note_add(request, client):
    journal = client_journal(request.user, client)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(request.user, journal.person, form.cleaned_data["text"])
        messages.success(request, "Note saved.")
    else:
        messages.error(request, "A note needs some text (at most 4,000 characters).")
    return redirect("practice:client_detail", client=journal.person.pk)


def invitation(request, token):
    """The client's side: see who invites you and exactly what they will see, then accept (signed in)."""
    link = services.invitation(token)
    if link is None:
        raise Http404
    reason = services.why_not_acceptable(link, request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.accept(token, request.user)
        except services.InvitationError as error:
            return render(request, "practice/invitation.html", {"link": link, "reason": str(error)}, status=409)
        messages.success(request, f"You now share your data with {link.dietitian.get_username()}.")
        return redirect("accounts:account")
    gone = link.state != ClientLink.State.INVITED or link.expired
    status = 410 if gone else 200
    return render(request, "practice/invitation.html", {"link": link, "reason": reason}, status=status)


@login_required
@require_POST
def end_sharing(request, pk):
    link = get_object_or_404(ClientLink.objects.active(), pk=pk, client=request.user)
    services.end_sharing(link)
    messages.success(request, f"{link.dietitian.get_username()} no longer sees your data.")
    return redirect("accounts:account")
