"""Curated meals: real dishes built from curated foods with grams per ingredient.

A meal's nutrients, diets, allergens and aggravators are derived from its foods, never typed in.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from nutrition.models import DIETS, Food

SLOTS = ("breakfast", "lunch", "dinner", "snack")
SLOT_CHOICES = [(s, s.capitalize()) for s in SLOTS]


class MealQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_ingredients(self):
        return self.prefetch_related(
            models.Prefetch(
                "ingredients",
                queryset=MealIngredient.objects.select_related("food", "food__food_group").prefetch_related(
                    "food__allergens", "food__amounts__nutrient"
                ),
            )
        )


class MealManager(models.Manager.from_queryset(MealQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Meal(models.Model):
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160, unique=True)
    slot = models.CharField(max_length=10, choices=SLOT_CHOICES)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive meals are never planned.")
    needs_review = models.BooleanField(default=False, help_text="Set when one of its foods changed.")
    # The recipe. Steps are one JSON list on the meal (not rows of their own) so that a recipe's history,
    # diff and revert are those of the meal, and the fixture keeps a recipe readable in one place.
    servings = models.PositiveSmallIntegerField(
        default=1, help_text="Servings the steps make; the ingredient grams are for one serving."
    )
    prep_minutes = models.PositiveSmallIntegerField(default=0, help_text="Hands-on minutes before cooking.")
    cook_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Minutes on the hob or in the oven; 0 for no cooking."
    )
    equipment = models.JSONField(default=list, blank=True, help_text="Equipment that matters, e.g. saucepan, oven.")
    steps = models.JSONField(default=list, blank=True, help_text="The numbered steps, in order, as plain sentences.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MealManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["slot", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    # Derived facts: computed from ingredients (prefetch them with `Meal.objects.with_ingredients()`).
    def foods(self) -> list[Food]:
        return [i.food for i in self.ingredients.all()]

    @property
    def diet(self) -> str:
        """The strictest diet every ingredient suits."""
        levels = [DIETS.index(f.diet) for f in self.foods()]
        return DIETS[max(levels)] if levels else "vegan"

    @property
    def allergen_codes(self) -> set[str]:
        return {a.code for f in self.foods() for a in f.allergens.all()}

    @property
    def contains_caffeine(self) -> bool:
        return any(f.contains_caffeine for f in self.foods())

    @property
    def contains_alcohol(self) -> bool:
        return any(f.contains_alcohol for f in self.foods())

    @property
    def total_minutes(self) -> int:
        return self.prep_minutes + self.cook_minutes

    def recipe(self) -> dict:
        """The recipe as the plan document carries it."""
        return {
            "servings": self.servings,
            "prep_minutes": self.prep_minutes,
            "cook_minutes": self.cook_minutes,
            "equipment": list(self.equipment),
            "steps": list(self.steps),
        }

    @property
    def grams(self) -> float:
        return sum(i.grams for i in self.ingredients.all())

    def nutrient_totals(self) -> tuple[dict[str, float], set[str]]:
        """Nutrients in one serving: (known totals by code, codes unknown for at least one ingredient)."""
        totals: dict[str, float] = {}
        unknown: set[str] = set()
        all_codes: set[str] = set()
        per_food = []
        for ingredient in self.ingredients.all():
            amounts = ingredient.food.amounts_by_code()
            all_codes.update(amounts)
            per_food.append((ingredient.grams, amounts))
        for grams, amounts in per_food:
            for code in all_codes:
                if code in amounts:
                    totals[code] = totals.get(code, 0.0) + amounts[code] * grams / 100.0
                else:
                    unknown.add(code)
        return totals, unknown


class MealIngredientManager(models.Manager):
    def get_by_natural_key(self, meal_slug, source, source_id):
        return self.get(meal__slug=meal_slug, food__source=source, food__source_id=source_id)


class MealIngredient(models.Model):
    meal = models.ForeignKey(Meal, on_delete=models.CASCADE, related_name="ingredients")
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="meal_ingredients")
    grams = models.FloatField(help_text="Grams of the edible portion in one serving.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = MealIngredientManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meal", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meal", "food"], name="ingredient_unique_food")]

    def __str__(self):
        return f"{self.grams:g} g {self.food}"

    def natural_key(self):
        return (self.meal.slug, *self.food.natural_key())

    natural_key.dependencies = ["planner.meal", "nutrition.food"]
