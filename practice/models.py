"""A dietitian's clients: one sharing per dietitian and client, by invitation and consent, and the dietitian's
private notes.

A `ClientLink` is the whole life of a sharing: *invited* (a single-use link sent to a named person, stored only
as a hash), *active* (the person accepted: their dietitian may read their profiles, saved plans and journal),
*ended* (the person, or the dietitian, stopped it: access ends at once). Who may see what is decided in
`journal.access` (with the rule from `practice.access`), never in a view.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

INVITATION_VALID = dt.timedelta(days=14)


class ClientLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=ClientLink.State.ACTIVE, client__isnull=False, client__is_active=True)

    def of_dietitian(self, dietitian):
        return self.filter(dietitian=dietitian)


class ClientLink(models.Model):
    class State(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Sharing"
        ENDED = "ended", "Ended"

    dietitian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_links")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="dietitian_links"
    )
    client_name = models.CharField(max_length=120, help_text="The client's name as the dietitian wrote it.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the invitation link's token.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.INVITED)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ClientLinkQuerySet.as_manager()

    class Meta:
        ordering = ["client_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dietitian", "client"], condition=Q(state="active"), name="practice_one_active_link"
            ),
            models.CheckConstraint(
                condition=Q(state="invited", client__isnull=True)
                | Q(state="active", client__isnull=False)
                | Q(state="ended"),
                name="practice_link_state_client",
            ),
        ]

    def __str__(self):
        return f"{self.client_name} ({self.get_state_display()})"

    @property
    def expired(self) -> bool:
        return self.state == self.State.INVITED and timezone.now() >= self.expires_at


class ClientNote(models.Model):
    """A dietitian's private note about a client: shown only to that dietitian, never to the client."""

    dietitian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note of {self.created_at:%Y-%m-%d}"
