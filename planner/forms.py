"""The plan form: the engine's fields, labelled for people; every range and choice comes from `planner.profiles`."""

from __future__ import annotations

from django import forms

from nutrition.models import ALLERGENS

from .profiles import (
    ACTIVITIES,
    DEFICIENCIES,
    DIET_CHOICES,
    FIELD_RULES,
    LABS,
    LIFE_STAGES,
    SEXES,
    ProfileError,
    parse_profile,
)

LABELS = {
    "age": "Age",
    "sex": "Sex",
    "weight_kg": "Weight (kg)",
    "height_cm": "Height (cm)",
    "activity": "Activity",
    "diet": "Diet",
    "life_stage": "Pregnant or breastfeeding",
    "smoker": "Smoker",
    "exclude": "Avoid",
    "deficiencies": "Known or suspected deficiencies",
    "days": "Days",
    "leftovers": "Use leftovers",
    "same_breakfast": "The same breakfast every weekday",
    "max_cooking_minutes": "Most cooking minutes on a weekday (optional)",
}
CHOICE_LABELS = {
    "sedentary": "Sedentary (mostly sitting)",
    "low": "Low (some walking)",
    "active": "Active (exercise most days)",
    "very_active": "Very active (hard exercise or physical job)",
    "none": "No",
    "pregnant": "Pregnant",
    "lactating": "Breastfeeding",
    "vitamin_b12": "Vitamin B12",
    "vitamin_d": "Vitamin D",
    "vitamin_c": "Vitamin C",
    "nuts": "Tree nuts",
}
NUMBER_FIELDS = ("age", "weight_kg", "height_cm", "days", "max_cooking_minutes")
LAB_FIELDS = tuple(LABS)
# Fields checked one at a time as the person leaves them (the validate endpoint re-renders only that field).
VALIDATED_FIELDS = (*NUMBER_FIELDS, "sex", "activity", "diet", "life_stage", *LAB_FIELDS)


def _choices(values):
    return [(v, CHOICE_LABELS.get(v, v.replace("_", " ").capitalize())) for v in values]


def _range_message(label: str, low, high) -> str:
    """For min/max errors, which Django %-formats with the limit: a "%" in a label must be doubled."""
    return f"{label} must be between {low:g} and {high:g}".replace("%", "%%")


def _number_field(name: str) -> forms.Field:
    rule = FIELD_RULES[name]
    label = LABELS[name]
    message = _range_message(label, rule["min"], rule["max"])
    field_class = forms.IntegerField if rule["kind"] == "int" else forms.FloatField
    return field_class(
        label=label,
        required=rule.get("required", False),
        min_value=rule["min"],
        max_value=rule["max"],
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": f"{label} must be a {'whole ' if rule['kind'] == 'int' else ''}number",
            "required": f"{label} is required",
        },
    )


def _lab_field(name: str) -> forms.FloatField:
    text, unit, low, high = LABS[name]
    label = f"{text} ({unit})"
    message = _range_message(label, low, high)
    return forms.FloatField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"min_value": message, "max_value": message, "invalid": f"{label} must be a number"},
    )


class PlanForm(forms.Form):
    age = _number_field("age")
    sex = forms.ChoiceField(label="Sex", choices=[("", "Choose…"), *_choices(SEXES)])
    weight_kg = _number_field("weight_kg")
    height_cm = _number_field("height_cm")
    activity = forms.ChoiceField(
        label="Activity", choices=_choices(ACTIVITIES), initial=FIELD_RULES["activity"]["default"]
    )
    diet = forms.ChoiceField(label="Diet", choices=_choices(DIET_CHOICES), initial=FIELD_RULES["diet"]["default"])
    life_stage = forms.ChoiceField(label=LABELS["life_stage"], choices=_choices(LIFE_STAGES), initial="none")
    smoker = forms.BooleanField(label="Smoker", required=False)
    exclude = forms.MultipleChoiceField(
        label="Avoid", choices=_choices(ALLERGENS), required=False, widget=forms.CheckboxSelectMultiple
    )
    deficiencies = forms.MultipleChoiceField(
        label=LABELS["deficiencies"],
        choices=_choices(DEFICIENCIES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    days = _number_field("days")
    leftovers = forms.BooleanField(label=LABELS["leftovers"], required=False)
    same_breakfast = forms.BooleanField(label=LABELS["same_breakfast"], required=False)
    max_cooking_minutes = _number_field("max_cooking_minutes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LAB_FIELDS:
            self.fields[name] = _lab_field(name)
        self.fields["days"].initial = FIELD_RULES["days"]["default"]
        self.fields["sex"].error_messages["required"] = "Sex is required"
        for name in NUMBER_FIELDS + LAB_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal"})
        for name in VALIDATED_FIELDS:
            self.fields[name].widget.attrs["aria-describedby"] = f"error-{name}"  # the message beside the field
        self.fields["leftovers"].widget.attrs["aria-describedby"] = "hint-leftovers"

    @property
    def lab_fields(self):
        return [self[name] for name in LAB_FIELDS]

    def profile_data(self) -> dict:
        """The cleaned values in the engine's shape (what `parse_profile` reads)."""
        data = {name: self.cleaned_data.get(name) for name in FIELD_RULES if name in self.fields}
        data["exclude"] = list(self.cleaned_data.get("exclude") or [])
        data["deficiencies"] = list(self.cleaned_data.get("deficiencies") or [])
        labs = {name: self.cleaned_data.get(name) for name in LAB_FIELDS}
        data["labs"] = {k: v for k, v in labs.items() if v is not None} or None
        return data

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.profile = parse_profile(self.profile_data())
        except ProfileError as error:
            name = error.field.split(".")[-1]
            self.add_error(name if name in self.fields else None, f"{LABELS.get(name, name)}: {error.message}")
        return cleaned

    @classmethod
    def initial_from(cls, profile_data: dict) -> dict:
        """Form initial values from a stored profile (engine shape)."""
        initial = {k: v for k, v in profile_data.items() if k != "labs"}
        initial.update(profile_data.get("labs") or {})
        return initial
