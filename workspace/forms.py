"""Forms of the dietitian workspace. Every edit asks why: the reason is kept in the history."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse_lazy

from nutrition.models import DIET_CHOICES, Food, FoodGroup, Nutrient
from planner.models.meals import SLOT_CHOICES, Meal


def reason_field():
    return forms.CharField(
        max_length=100,
        label="Why (change reason)",
        help_text="Kept in the history, e.g. “checked against the FDC record” or “typo in the name”.",
    )


class FoodForm(forms.ModelForm):
    change_reason = reason_field()

    class Meta:
        model = Food
        fields = ["name", "food_group", "diet", "allergens", "contains_caffeine", "contains_alcohol", "needs_review"]
        widgets = {"allergens": forms.CheckboxSelectMultiple}


class NutrientValuesForm(forms.Form):
    """One box per nutrient, per 100 g, in the nutrient's unit; an empty box means unknown."""

    values_source = forms.CharField(
        max_length=100,
        required=False,
        label="Source of the values you changed",
        help_text="Required when you change a value, e.g. “FDC 321611” or “manufacturer's label 2026”.",
    )

    def __init__(self, *args, food: Food, **kwargs):
        super().__init__(*args, **kwargs)
        self.food = food
        self.nutrients = list(Nutrient.objects.order_by("display_order", "code"))
        self.current = {a.nutrient_id: a for a in food.amounts.all()} if food.pk else {}
        for n in self.nutrients:
            amount = self.current.get(n.pk)
            self.fields[n.code] = forms.FloatField(
                required=False,
                min_value=0,
                label=f"{n.name} ({n.unit} per 100 g)",
                initial=amount.amount if amount else None,
            )

    def rows(self):
        """(nutrient, bound field, current amount or None) for the template."""
        return [(n, self[n.code], self.current.get(n.pk)) for n in self.nutrients]

    def changed_values(self):
        for n in self.nutrients:
            new = self.cleaned_data.get(n.code)
            old = self.current.get(n.pk)
            if (old.amount if old else None) != new:
                yield n, new

    def clean(self):
        data = super().clean()
        if not self.errors and list(self.changed_values()) and not data.get("values_source", "").strip():
            self.add_error("values_source", "Say where the changed values come from.")
        return data


class AmountForm(forms.Form):
    """Inline edit of one value: the amount per 100 g (empty = unknown), where it comes from, and why."""

    amount = forms.FloatField(required=False, min_value=0, label="Amount per 100 g")
    source = forms.CharField(max_length=100, required=False, label="Source of this value")
    change_reason = reason_field()

    def clean(self):
        data = super().clean()
        if data.get("amount") is not None and not data.get("source", "").strip():
            self.add_error("source", "Say where this value comes from.")
        return data


class FoodPickField(forms.CharField):
    """A food typed as shown in the suggestions, "Name (source source_id)", or by its exact name."""

    pattern = re.compile(r"^(?P<name>.*)\((?P<source>[\w.-]+) (?P<source_id>[^()]+)\)\s*$")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = self.pattern.match(value)
        if match:
            food = Food.objects.filter(source=match["source"], source_id=match["source_id"].strip()).first()
            if food:
                return food
        foods = list(Food.objects.filter(name__iexact=value.strip())[:2])
        if len(foods) == 1:
            return foods[0]
        raise forms.ValidationError(f"No single food matches “{value}”: pick one from the suggestions.")


def food_label(food: Food) -> str:
    return f"{food.name} ({food.source} {food.source_id})"


class IngredientForm(forms.Form):
    food = FoodPickField(
        required=False,
        label="Food",
        widget=forms.TextInput(
            attrs={
                "list": "food-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("workspace:food_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#food-options",
                "hx-swap": "outerHTML",
            }
        ),
    )
    grams = forms.FloatField(
        required=False, min_value=0.1, label="Grams per serving", widget=forms.NumberInput(attrs={"class": "grams"})
    )

    def clean(self):
        data = super().clean()
        if data.get("food") and data.get("grams") is None and not data.get("DELETE"):
            self.add_error("grams", "How many grams of this food are in one serving?")
        return data


IngredientFormSet = forms.formset_factory(IngredientForm, extra=2, can_delete=True)


def ingredient_initial(meal: Meal) -> list[dict]:
    return [{"food": food_label(i.food), "grams": i.grams} for i in meal.ingredients.select_related("food")]


class LinesField(forms.CharField):
    """A list of strings edited as text: one per line (steps) or separated by commas (equipment)."""

    def __init__(self, *, separator: str = "\n", **kwargs):
        self.separator = separator
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return self.separator.join(value) if self.separator == "\n" else f"{self.separator} ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(self.separator) if part.strip()]


class MealForm(forms.ModelForm):
    steps = LinesField(
        label="Recipe steps",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One step per line, in order. Name every ingredient in some step, and no food that is not one.",
    )
    equipment = LinesField(
        separator=",", required=False, label="Equipment", help_text="Where it matters, separated by commas."
    )
    change_reason = reason_field()

    class Meta:
        model = Meal
        fields = [
            "name",
            "slug",
            "slot",
            "description",
            "is_active",
            "servings",
            "prep_minutes",
            "cook_minutes",
            "equipment",
            "steps",
        ]
        labels = {"prep_minutes": "Preparation (minutes)", "cook_minutes": "Cooking (minutes)"}


class FoodFilterForm(forms.Form):
    """The food list's search and filters (GET)."""

    q = forms.CharField(required=False, label="Search foods")
    group = forms.ModelChoiceField(FoodGroup.objects.all(), required=False, label="Food group")
    source = forms.ChoiceField(required=False, label="Source")
    diet = forms.ChoiceField(choices=[("", "Any diet"), *DIET_CHOICES], required=False, label="Diet")
    unknown = forms.ChoiceField(
        choices=[("", "Any"), ("rls", "Missing an RLS nutrient value")], required=False, label="Values"
    )
    review = forms.BooleanField(required=False, label="Flagged for review only")

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Any source"), *((s, s) for s in sources)]


class MealFilterForm(forms.Form):
    """The meal list's search and filters (GET)."""

    q = forms.CharField(required=False, label="Search meals")
    slot = forms.ChoiceField(choices=[("", "Any slot"), *SLOT_CHOICES], required=False, label="Slot")
    review = forms.BooleanField(required=False, label="Needing review only")


class FoodsUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (.csv or .xlsx in the export layout)",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class FdcImportForm(forms.Form):
    ids = forms.CharField(label="FoodData Central ids", help_text="Comma-separated, e.g. 321611, 323697")
