"""A generated plan as its owner saved it: the profile it was made for and the plan document itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .profiles import OwnedQuerySet, Profile


class Plan(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(max_length=120, default="My plan")
    profile = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    profile_data = models.JSONField(default=dict, help_text="The profile the plan was made for, as it was then.")
    document = models.JSONField(default=dict, help_text="The plan document `generate_plan` returns.")
    locked = models.JSONField(default=list, blank=True, help_text="[day, slot_index] pairs the person locked.")
    seed = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return self.name
