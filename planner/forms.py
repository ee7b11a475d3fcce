"""The plan form: the engine's fields, labelled for people; every range and choice comes from `planner.profiles`."""

from __future__ import annotations

from django import forms

from nutrition.models import ALLERGENS
from nutrition.units import cm_to_feet_inches, kg_to_pounds

from . import labs
from .profiles import (
    ACTIVITIES,
    DEFICIENCIES,
    DIET_CHOICES,
    FIELD_RULES,
    LIFE_STAGES,
    SEXES,
    US_BODY_FIELDS,
    ProfileError,
    parse_lab,
    parse_profile,
)

LABELS = {
    "age": "Age",
    "sex": "Sex",
    "weight_kg": "Weight (kg)",
    "weight_lb": "Weight (lb)",
    "height_cm": "Height (cm)",
    "height_ft": "Height (ft)",
    "height_in": "and inches (in)",
    "units": "Show amounts in",
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
# Each lab is a value with a unit beside it: `ferritin` and `ferritin_unit`; the value is checked (after
# conversion, by the same parser `generate_plan` uses) as the person leaves either of them.
LAB_FIELDS = labs.LAB_NAMES
US_NUMBER_FIELDS = tuple(US_BODY_FIELDS)  # weight_lb, height_ft, height_in: the same person in US units
# Fields checked one at a time as the person leaves them (the validate endpoint re-renders only that field).
VALIDATED_FIELDS = (*NUMBER_FIELDS, *US_NUMBER_FIELDS, "sex", "activity", "diet", "life_stage", *LAB_FIELDS)
UNIT_CHOICES = [("metric", "Metric (grams)"), ("us", "US (cups, tablespoons, ounces)")]


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
    label = labs.LABS[name].label
    return forms.FloatField(label=label, required=False, error_messages={"invalid": f"{label} must be a number"})


def _unit_field(name: str) -> forms.ChoiceField:
    lab = labs.LABS[name]
    fits = ", ".join(lab.unit_label(unit) for unit in lab.units)
    return forms.ChoiceField(
        label=f"{lab.label} unit",
        choices=[(unit, lab.unit_label(unit)) for unit in lab.units],
        initial=lab.canonical_unit,
        required=False,
        error_messages={"invalid_choice": f"{lab.label}: %(value)s does not fit {lab.label.lower()}; use {fits}"},
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
    weight_lb = forms.FloatField(label=LABELS["weight_lb"], required=False, min_value=22, max_value=660)
    height_ft = forms.IntegerField(label=LABELS["height_ft"], required=False, min_value=1, max_value=8)
    height_in = forms.FloatField(label=LABELS["height_in"], required=False, min_value=0, max_value=99)
    units = forms.ChoiceField(
        label=LABELS["units"], choices=UNIT_CHOICES, initial="metric", widget=forms.RadioSelect, required=False
    )
    leftovers = forms.BooleanField(label=LABELS["leftovers"], required=False)
    same_breakfast = forms.BooleanField(label=LABELS["same_breakfast"], required=False)
    max_cooking_minutes = _number_field("max_cooking_minutes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Weight and height in kg and cm, or in lb and feet and inches: one of each is required (see clean).
        self.fields["weight_kg"].required = self.fields["height_cm"].required = False
        for name in LAB_FIELDS:
            self.fields[name] = _lab_field(name)
            self.fields[f"{name}_unit"] = _unit_field(name)
            self.fields[f"{name}_unit"].widget.attrs["aria-describedby"] = f"error-{name}"
        self.fields["days"].initial = FIELD_RULES["days"]["default"]
        self.fields["sex"].error_messages["required"] = "Sex is required"
        for name in NUMBER_FIELDS + US_NUMBER_FIELDS + LAB_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "decimal"})
        for name in VALIDATED_FIELDS:
            self.fields[name].widget.attrs["aria-describedby"] = f"error-{name}"  # the message beside the field
        self.fields["leftovers"].widget.attrs["aria-describedby"] = "hint-leftovers"

    @property
    def lab_fields(self):
        """(value, unit) bound fields, one pair per lab."""
        return [(self[name], self[f"{name}_unit"]) for name in LAB_FIELDS]

    def _lab_entries(self) -> dict[str, dict]:
        entries = {}
        for name in LAB_FIELDS:
            value = self.cleaned_data.get(name)
            if value is not None:
                unit = self.cleaned_data.get(f"{name}_unit") or labs.LABS[name].canonical_unit
                entries[name] = {"value": value, "unit": unit}
        return entries

    def profile_data(self) -> dict:
        """The cleaned values in the engine's shape (what `parse_profile` reads)."""
        data = {name: self.cleaned_data.get(name) for name in FIELD_RULES if name in self.fields}
        data["exclude"] = list(self.cleaned_data.get("exclude") or [])
        data["deficiencies"] = list(self.cleaned_data.get("deficiencies") or [])
        data["labs"] = self._lab_entries() or None
        data["units"] = self.cleaned_data.get("units") or "metric"
        for name in US_NUMBER_FIELDS:
            if self.cleaned_data.get(name) is not None:
                data[name] = self.cleaned_data[name]
        return data

    def clean(self):
        cleaned = super().clean()
        for name, entry in self._lab_entries().items():
            try:
                parse_lab(name, entry)
            except ProfileError as error:
                self.add_error(name, f"{labs.LABS[name].label}: {error.message}")
        given = {name for name in (*US_NUMBER_FIELDS, "weight_kg", "height_cm") if cleaned.get(name) is not None}
        given |= set(self.errors)  # a value that was there but wrong has its own message
        if not given & {"weight_kg", "weight_lb"}:
            self.add_error("weight_kg", "Weight is required: in kg, or in lb")
        if not given & {"height_cm", "height_ft", "height_in"}:
            self.add_error("height_cm", "Height is required: in cm, or in feet and inches")
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
        for key, raw in (profile_data.get("labs") or {}).items():
            try:
                lab = labs.lab(key)
                if isinstance(raw, dict):
                    initial[lab.name], initial[f"{lab.name}_unit"] = raw["value"], labs.normalise_unit(raw["unit"])
                else:
                    initial[lab.name] = raw  # today's key: a number in the canonical unit
            except (labs.LabError, KeyError):
                continue  # a stored value we can no longer read is left for the person to enter again
        if initial.get("units") == "us":  # shown as the person gave them: pounds, feet and inches
            if initial.get("weight_kg"):
                initial["weight_lb"] = round(kg_to_pounds(initial.pop("weight_kg")), 1)
            if initial.get("height_cm"):
                initial["height_ft"], initial["height_in"] = cm_to_feet_inches(initial.pop("height_cm"))
        return initial
