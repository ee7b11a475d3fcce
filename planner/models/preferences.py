"""What a signed-in person chose once and expects remembered: for now, the units amounts are shown in."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nutrition.units import UNITS


class Preference(models.Model):
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_preference")
    units = models.CharField(
        max_length=6,
        choices=[("metric", "Metric (grams)"), ("us", "US (cups, ounces)")],
        default="metric",
        help_text="How plans, recipes and shopping lists show amounts.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.owner}: {self.units}"

    @classmethod
    def units_for(cls, user) -> str | None:
        """The units this user chose, or None when they never chose (or are not signed in)."""
        if user is None or not user.is_authenticated:
            return None
        units = cls.objects.filter(owner=user).values_list("units", flat=True).first()
        return units if units in UNITS else None

    @classmethod
    def remember_units(cls, user, units: str) -> None:
        if user is not None and user.is_authenticated and units in UNITS:
            cls.objects.update_or_create(owner=user, defaults={"units": units})
