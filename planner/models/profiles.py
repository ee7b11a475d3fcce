"""A person's saved profile: the same fields and rules as `planner.profiles.PlanProfile`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from nutrition.models import SEX_CHOICES
from planner.profiles import (
    ACTIVITIES,
    DIET_CHOICES,
    FIELD_RULES,
    LIFE_STAGES,
    PlanProfile,
    ProfileError,
    parse_profile,
)


def _choices(values):
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Only this user's rows; an anonymous user owns nothing."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Profile(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_profiles")
    name = models.CharField(max_length=100, default="Me")
    age = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=6, choices=SEX_CHOICES)
    weight_kg = models.FloatField()
    height_cm = models.FloatField()
    activity = models.CharField(max_length=12, choices=_choices(ACTIVITIES), default=FIELD_RULES["activity"]["default"])
    diet = models.CharField(max_length=12, choices=_choices(DIET_CHOICES), default=FIELD_RULES["diet"]["default"])
    exclude = models.JSONField(default=list, blank=True, help_text="Allergen codes to keep out of plans.")
    deficiencies = models.JSONField(default=list, blank=True)
    labs = models.JSONField(null=True, blank=True)
    life_stage = models.CharField(max_length=10, choices=_choices(LIFE_STAGES), default="none")
    smoker = models.BooleanField(default=False)
    days = models.PositiveSmallIntegerField(default=FIELD_RULES["days"]["default"])
    meals_per_day = models.PositiveSmallIntegerField(default=FIELD_RULES["meals_per_day"]["default"])
    snacks_per_day = models.PositiveSmallIntegerField(default=FIELD_RULES["snacks_per_day"]["default"])
    units = models.CharField(
        max_length=6, choices=[("metric", "Metric (grams)"), ("us", "US (cups, ounces)")], default="metric"
    )
    leftovers = models.BooleanField(default=False, help_text="Cook some dinners for two; eat the second at a lunch.")
    same_breakfast = models.BooleanField(default=False, help_text="One breakfast Monday to Friday.")
    max_cooking_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most prep and cooking minutes on a weekday."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def profile_data(self) -> dict:
        # a rule without a column here (units: a display choice kept elsewhere) takes its default
        return {name: getattr(self, name, FIELD_RULES[name].get("default")) for name in FIELD_RULES}

    def clean(self):
        try:
            self.to_plan_profile()
        except ProfileError as error:
            field_name = error.field.split(".")[0]
            raise ValidationError(
                {field_name if field_name in FIELD_RULES else NON_FIELD_ERRORS: error.message}
            ) from None

    def to_plan_profile(self) -> PlanProfile:
        """The checked plain profile; raises `ProfileError` if a stored value breaks the rules."""
        return parse_profile(self.profile_data())
