"""The dietitian's clients (list, client page, notes, invitations) and the client's side (accept an
invitation, end a sharing). A client's data is reached only through `practice.access.client_journal`, which
asks `journal.access`: 404 for anyone without an active sharing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from config import page_cache
from journal import trends
from journal.selectors import latest_labs
from nutrition.cache import data_stamp
from workspace.access import dietitian_required

from . import cache, client_plans, selectors, services
from .access import client_journal
from .forms import InviteForm, NoteForm
from .models import ClientLink

NEW_LINK_KEY = "practice_new_invitation"
CLIENTS_PER_PAGE = 50


@dietitian_required
def client_list(request):
    sort = request.GET.get("sort", "name")
    sort = sort if sort in selectors.SORTS else "name"  # as the list reads it: one key for every unknown sort
    descending = request.GET.get("dir") == "desc"
    query = request.GET.get("q", "").strip()
    today = timezone.localdate()
    links = selectors.active_link_stamps(request.user, query)
    page_number = _page_number(request.GET.get("page"), len(links))
    pending = list(selectors.pending_invitations(request.user))
    body = page_cache.personal(
        request,
        "clients",
        lambda: (
            links,
            cache.journal_stamp([client_id for _pk, client_id, *_names in links]),
            data_stamp(),
            [(link.pk, link.client_name, link.expires_at) for link in pending],
            today,
            sort,
            descending,
            query,
            page_number,
        ),
        lambda token: _client_list_body(
            request, {pk for pk, *_rest in links}, pending, today, sort, descending, query, page_number, token
        ),
    )
    return render(request, "practice/client_list.html", {"body": body})


def _page_number(asked, count: int) -> int:
    """The page asked for, as a number within the pages there are (so that the cache keys a page once)."""
    try:
        number = int(asked)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(1, -(-count // CLIENTS_PER_PAGE)))


def _client_list_body(request, link_ids, pending, today, sort, descending, query, page_number, token) -> str:
    """The clients list's body, with `token` for the CSRF token: kept per dietitian by `page_cache.personal`."""
    rows = selectors.client_rows(request.user, sort=sort, descending=descending, query=query, today=today)
    # Only the sharings the key was read from: one accepted while this rendered is not kept under a key without it
    # (that key would come back if she then stopped sharing).
    rows = [row for row in rows if row["link"].pk in link_ids]
    page = Paginator(rows, CLIENTS_PER_PAGE).get_page(page_number)
    params = {"sort": sort, "q": query, **({"dir": "desc"} if descending else {})}
    context = {
        "rows": page.object_list,
        "page": page,
        "params": urlencode({k: v for k, v in params.items() if v}),
        "sort": sort if sort in selectors.SORTS else "name",
        "descending": descending,
        "query": query,
        "pending": pending,
        "columns": [
            ("name", "Client"),
            ("last_entry", "Last journal entry"),
            ("ferritin", "Latest ferritin"),
            ("severity", "Night severity, last 4 weeks (4 before)"),
            ("eaten", "Targets eaten, last 7 days"),
        ],
        "csrf_token": token,
    }
    return render_to_string("practice/client_list.html#body", context)


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
