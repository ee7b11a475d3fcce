"""The practice's part of "may this user see this person's data": the dietitian of an active sharing may read
(never write). Registered with `journal.access` at start-up; views ask `journal.access.open_journal`, and
`client_journal` below is that call for a dietitian's client page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

from journal.access import Journal, open_journal
from workspace.access import is_dietitian

from .models import ClientLink, ClientPlan


def dietitian_of_active_link(viewer, person) -> bool:
    return is_dietitian(viewer) and ClientLink.objects.active().filter(dietitian=viewer, client=person).exists()


def dietitians_active_clients(viewer, person_ids) -> list[int]:
    """`dietitian_of_active_link` for many people in one query."""
    if not is_dietitian(viewer):
        return []
    return list(
        ClientLink.objects.active().filter(dietitian=viewer, client__in=person_ids).values_list("client_id", flat=True)
    )


def client_journal(viewer, client_id: int) -> Journal:
    """The client's journal, read-only, for their dietitian; 404 for anyone else (not accepted, ended, another
    dietitian's client, the dietitian's own id)."""
    person = get_object_or_404(get_user_model(), pk=client_id, is_active=True)
    if person.pk == viewer.pk:
        raise Http404
    return open_journal(viewer, person)


def client_plan(viewer, client_id: int, pk: int) -> tuple[Journal, ClientPlan]:
    """A plan `viewer` built for their client, with the client's journal; 404 unless the sharing is active now and
    the plan is this dietitian's for this client (another dietitian's plan, an ended sharing: 404)."""
    journal = client_journal(viewer, client_id)
    found = ClientPlan.objects.select_related("plan").filter(pk=pk, dietitian=viewer, client=journal.person).first()
    if found is None:
        raise Http404
    return journal, found
