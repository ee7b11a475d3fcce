"""Writes over sharings: invite, accept, end, and notes. Each returns or raises; the views only render."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import INVITATION_VALID, ClientLink, ClientNote


class InvitationError(Exception):
    """Why an invitation cannot be accepted, in words for the person holding it."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(dietitian, client_name: str) -> tuple[ClientLink, str]:
    """A new invitation and its token: the token is returned once, here, and only its hash is stored."""
    token = secrets.token_urlsafe(32)
    link = ClientLink.objects.create(
        dietitian=dietitian,
        client_name=client_name.strip(),
        token_hash=token_hash(token),
        expires_at=timezone.now() + INVITATION_VALID,
    )
    return link, token


def invitation(token: str) -> ClientLink | None:
    return ClientLink.objects.select_related("dietitian").filter(token_hash=token_hash(token)).first()


def why_not_acceptable(link: ClientLink, user) -> str | None:
    """None if `user` may accept `link` now, else the reason."""
    if link.state != ClientLink.State.INVITED:
        return "This invitation has already been used. Ask your dietitian for a new one if you need it."
    if link.expired:
        return "This invitation has expired (they last 14 days). Ask your dietitian for a new one."
    if user.is_authenticated and user.pk == link.dietitian_id:
        return "This is your own invitation: send the link to your client; they accept it from their own account."
    if user.is_authenticated and ClientLink.objects.active().filter(dietitian=link.dietitian, client=user).exists():
        return "You already share your data with this dietitian."
    return None


@transaction.atomic
def accept(token: str, user) -> ClientLink:
    link = ClientLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if link is None:
        raise InvitationError("This invitation does not exist.")
    reason = why_not_acceptable(link, user)
    if reason:
        raise InvitationError(reason)
    link.client = user
    link.state = ClientLink.State.ACTIVE
    link.accepted_at = timezone.now()
    link.save(update_fields=["client", "state", "accepted_at"])
    return link


def end_sharing(link: ClientLink) -> None:
    """Stop a sharing (or withdraw an unused invitation): the dietitian's next request is refused."""
    ClientLink.objects.filter(pk=link.pk).exclude(state=ClientLink.State.ENDED).update(
        state=ClientLink.State.ENDED, ended_at=timezone.now()
    )


def add_note(dietitian, client, text: str) -> ClientNote:
    return ClientNote.objects.create(dietitian=dietitian, client=client, text=text.strip())
