"""The practice's part of "may this user see this person's data": the dietitian of an active sharing may read
(never write). Registered with `journal.access` at start-up; views ask `journal.access.open_journal`, and
`client_journal` below is that call for a dietitian's client page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404

from journal.access import Journal, open_journal
from workspace.access import is_dietitian

from .models import ClientLink


def dietitian_of_active_link(viewer, person) -> bool:
    return is_dietitian(viewer) and ClientLink.objects.active().filter(dietitian=viewer, client=person).exists()


def client_journal(viewer, client_id: int) -> Journal:
    """The client's journal, read-only, for their dietitian; 404 for anyone else (not accepted, ended, another
    dietitian's client, the dietitian's own id)."""
    person = get_object_or_404(get_user_model(), pk=client_id, is_active=True)
    if person.pk == viewer.pk:
        raise Http404
    return open_journal(viewer, person)
