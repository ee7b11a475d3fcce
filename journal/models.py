"""The RLS journal: a person's lab results over time, their nights, the meals they ate against a saved plan, and
the iron courses they took.

Every entry belongs to one person (`owner`) and is read through `journal.access`, never by filtering on
`owner` in a view. Entries made by `manage.py demo_journal` carry `demo=True` and say so wherever they show.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nutrition.models import Food
from planner.models import Meal, Plan

from .lab_names import LAB_CHOICES

SEVERITY_MAX = 10  # the 0-10 numeric rating scale people use for RLS on a given night
IRLS_MAX = 40  # the IRLS total as a clinician scored it (the questionnaire's text is copyrighted: not reproduced)
ONSET_CHOICES = [("", "No symptoms / not sure"), ("before_6pm", "Before 6 pm"), ("after_6pm", "After 6 pm")]
MARK_CHOICES = [("eaten", "Eaten"), ("skipped", "Skipped"), ("replaced", "Replaced")]
IRON_COURSE_CHOICES = [("oral", "Iron tablets or liquid"), ("iv", "Iron infusion (IV)")]


class EntryQuerySet(models.QuerySet):
    def real(self):
        return self.filter(demo=False)


class Entry(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    demo = models.BooleanField(default=False, help_text="Made by manage.py demo_journal: not the person's own entry.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        abstract = True


class LabResult(Entry):
    """One lab value on one date. `value` is in the lab's canonical unit (`planner.labs`); `unit` is the unit
    the person entered it in, and the journal shows it in that unit again."""

    date = models.DateField(help_text="The day the blood was drawn.")
    lab = models.CharField(max_length=32, choices=LAB_CHOICES)
    value = models.FloatField(help_text="In the lab's canonical unit.")
    unit = models.CharField(max_length=16, help_text="The unit as entered (the value is shown in it).")
    where_drawn = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date", "lab", "-pk"]
        indexes = [models.Index(fields=["owner", "lab", "date"], name="journal_lab_owner_lab_date")]

    def __str__(self):
        return f"{self.get_lab_display()} {self.value:g} on {self.date}"


class Night(Entry):
    """One night, dated by the evening it began. One per person per date."""

    date = models.DateField(help_text="The evening the night began.")
    severity = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(SEVERITY_MAX)])
    minutes_to_sleep = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(600)])
    hours_slept = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(24)])
    times_woken = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(50)])
    onset = models.CharField(max_length=12, choices=ONSET_CHOICES, blank=True)
    caffeine = models.BooleanField(default=False, help_text="Coffee, tea, cola or chocolate in the evening.")
    alcohol = models.BooleanField(default=False)
    nicotine = models.BooleanField(default=False)
    irls_total = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(IRLS_MAX)], help_text="As a clinician scored it."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "date"], name="journal_one_night_per_date"),
            models.CheckConstraint(condition=Q(severity__lte=SEVERITY_MAX), name="journal_night_severity_0_10"),
            models.CheckConstraint(
                condition=Q(irls_total__isnull=True) | Q(irls_total__lte=IRLS_MAX), name="journal_night_irls_0_40"
            ),
            models.CheckConstraint(
                condition=Q(hours_slept__isnull=True) | Q(hours_slept__gte=0, hours_slept__lte=24),
                name="journal_night_hours_0_24",
            ),
        ]

    def __str__(self):
        return f"Night of {self.date}: {self.severity}/10"

    @property
    def aggravators(self) -> list[str]:
        return [name for name in ("caffeine", "alcohol", "nicotine") if getattr(self, name)]


class MealMark(Entry):
    """What became of one planned meal on one date: eaten, skipped, or replaced (by a food with grams, or by
    another meal).

    `items` is what was eaten, as [{"food_id", "grams"}], written when the mark is made, so that a later swap
    in the plan or a deleted plan never rewrites the past; `targets` keeps the plan's six daily targets
    ({code: amount}) for the same reason. One mark per person, date and slot; a date counts as recorded once
    `day_meals` marks are in.
    """

    date = models.DateField()
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    plan_day = models.PositiveSmallIntegerField()
    slot_index = models.PositiveSmallIntegerField()
    slot = models.CharField(max_length=10)
    day_meals = models.PositiveSmallIntegerField(
        help_text="Meals planned that day: a date is complete when all are marked."
    )
    planned_name = models.CharField(max_length=160)
    status = models.CharField(max_length=8, choices=MARK_CHOICES)
    food = models.ForeignKey(Food, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grams = models.FloatField(null=True, blank=True)
    meal = models.ForeignKey(Meal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(default=list, blank=True)
    targets = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-date", "slot_index"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "date", "slot_index"], name="journal_one_mark_per_slot"),
            models.CheckConstraint(
                condition=(
                    Q(status="replaced", food__isnull=False, grams__gt=0, meal__isnull=True)
                    | Q(status="replaced", food__isnull=True, meal__isnull=False)
                    | (Q(status__in=["eaten", "skipped"]) & Q(food__isnull=True, meal__isnull=True))
                ),
                name="journal_mark_replacement_is_a_food_or_a_meal",
            ),
        ]

    def __str__(self):
        return f"{self.planned_name} on {self.date}: {self.status}"

    @property
    def eaten_words(self) -> str:
        if self.status == "replaced":
            return f"{self.grams:g} g {self.food.name}" if self.food_id else self.meal.name
        return self.get_status_display()


class IronCourse(Entry):
    """An iron course a clinician started (tablets or an infusion): the retest reminder counts from its start."""

    started = models.DateField()
    kind = models.CharField(max_length=4, choices=IRON_COURSE_CHOICES)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started}"
