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


class ClientPlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ClientPlan.State.PUBLISHED)


class ClientPlan(models.Model):
    """A plan a dietitian builds for a client: a planner `Plan` with who made it, for whom, its state, the message
    that goes with it, and the log of every change (`PlanChange`).

    While a *draft* (or *withdrawn*) the plan row has no owner, so no page of the planner or the journal shows it to
    anyone; the dietitian reaches it only through `practice.access.client_plan`. *Published*, the plan's owner is
    the client: it is among their plans (marked "from your dietitian" with the message, through
    `planner.plan_labels`) and they can mark its meals eaten in their journal.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft (only you see it)"
        PUBLISHED = "published", "Published to the client"
        WITHDRAWN = "withdrawn", "Withdrawn (only you see it)"
        DELETED = "deleted", "Deleted by the client"

    # SET_NULL: when the client deletes a published plan (it is theirs), the dietitian keeps the record and its log.
    plan = models.OneToOneField("planner.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # SET_NULL: a published plan stays the client's (with its message) when the dietitian's account is deleted.
    dietitian = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dietitian_name = models.CharField(max_length=150, help_text="The dietitian's name as the client sees it.")
    state = models.CharField(max_length=9, choices=State.choices, default=State.DRAFT)
    message = models.TextField(max_length=2000, blank=True, help_text="Shown to the client with the plan.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Plan {self.plan_id} for client {self.client_id} ({self.state})"

    @property
    def published(self) -> bool:
        return self.state == self.State.PUBLISHED


class PlanChange(models.Model):
    """One change to a client's plan: who made it, when, and what."""

    class Action(models.TextChoices):
        GENERATED = "generated", "Generated"
        REGENERATED = "regenerated", "Regenerated"
        SWAPPED = "swapped", "Swapped a meal"
        LOCKED = "locked", "Locked a meal"
        UNLOCKED = "unlocked", "Unlocked a meal"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RENAMED = "renamed", "Renamed"
        DELETED = "deleted", "Deleted"

    client_plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=11, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_name}"
