"""A person's part of the practice in their account data download: only what is theirs.

As a client: the dietitians they share (or shared) with, and the messages that came with plans published to
them (the plans themselves are in the download's "plans"). Never the dietitian's private notes about them, nor
the name the dietitian filed them under.
As a dietitian: their invitations and sharings (under the name they gave), their private notes, and the plans
they built with the log of changes (names, states, messages: the plan documents are the clients').
"""

from __future__ import annotations

from .client_plans import person_name
from .models import ClientLink, ClientNote, ClientPlan


def _changes(client_plan: ClientPlan) -> list[dict]:
    return [
        {"at": c.at, "who": c.actor_name, "action": c.action, "detail": c.detail}
        for c in client_plan.changes.order_by("at", "pk")
    ]


def sharing_data(user) -> dict:
    as_client = [
        {
            "dietitian": person_name(link.dietitian),
            "state": link.state,
            "accepted_at": link.accepted_at,
            "ended_at": link.ended_at,
        }
        for link in ClientLink.objects.filter(client=user).select_related("dietitian").order_by("pk")
    ]
    received = [
        {
            "plan": found.plan.name,
            "from": found.dietitian_name,
            "published_at": found.published_at,
            "message": found.message,
        }
        for found in ClientPlan.objects.published().filter(client=user, plan__owner=user).select_related("plan")
    ]
    links = ClientLink.objects.filter(dietitian=user).order_by("pk")
    as_dietitian = [
        {
            "client_name": link.client_name,
            "state": link.state,
            "created_at": link.created_at,
            "expires_at": link.expires_at,
            "accepted_at": link.accepted_at,
            "ended_at": link.ended_at,
        }
        for link in links
    ]
    names = {link.client_id: link.client_name for link in links if link.client_id}
    notes = [
        {"client": names.get(note.client_id, ""), "created_at": note.created_at, "text": note.text}
        for note in ClientNote.objects.filter(dietitian=user).order_by("created_at", "pk")
    ]
    built = [
        {
            "client": names.get(found.client_id, ""),
            "plan": found.plan.name if found.plan else "",
            "state": found.state,
            "message": found.message,
            "published_at": found.published_at,
            "changes": _changes(found),
        }
        for found in ClientPlan.objects.filter(dietitian=user).select_related("plan").order_by("pk")
    ]
    return {
        "as_client": {"sharings": as_client, "plans_from_dietitians": received},
        "as_dietitian": {"sharings": as_dietitian, "private_notes": notes, "plans_built": built},
    }
