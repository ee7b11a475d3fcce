"""Journal forms: every rule checked on the server, each message naming its field, shown beside it."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from nutrition.models import Food
from planner import labs as lab_rules
from planner.models import Meal

from .models import IRLS_MAX, MARK_CHOICES, SEVERITY_MAX, IronCourse, LabResult, Night

FUTURE = "{label} cannot be in the future."


def _not_future(label: str, value):
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(FUTURE.format(label=label), code="future")
    return value


def _whole(label: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    message = f"{label} must be a whole number from {low} to {high}."
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": message,
            "required": f"{label}: please enter a number.",
        },
        **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NightForm(forms.ModelForm):
    """A night in a few taps: the date and severity first, the rest optional."""

    severity = _whole(
        "RLS severity (0 none, 10 worst)",
        0,
        SEVERITY_MAX,
        widget=forms.RadioSelect(choices=[(n, str(n)) for n in range(SEVERITY_MAX + 1)]),
    )
    minutes_to_sleep = _whole("Minutes to fall asleep", 0, 600, required=False)
    times_woken = _whole("Times woken", 0, 50, required=False)
    irls_total = _whole(
        "IRLS total (0–40)",
        0,
        IRLS_MAX,
        required=False,
        help_text="Only if a clinician scored the IRLS questionnaire with you.",
    )
    hours_slept = forms.FloatField(
        label="Hours slept",
        min_value=0,
        max_value=24,
        required=False,
        error_messages={
            "min_value": "Hours slept must be from 0 to 24.",
            "max_value": "Hours slept must be from 0 to 24.",
            "invalid": "Hours slept must be a number, e.g. 6.5.",
        },
    )

    class Meta:
        model = Night
        fields = [
            "date",
            "severity",
            "hours_slept",
            "minutes_to_sleep",
            "times_woken",
            "onset",
            "caffeine",
            "alcohol",
            "nicotine",
            "irls_total",
            "note",
        ]
        labels = {
            "date": "Night of",
            "onset": "Symptoms began",
            "caffeine": "Caffeine in the evening",
            "alcohol": "Alcohol in the evening",
            "nicotine": "Nicotine in the evening",
        }
        widgets = {"date": DateInput(), "onset": forms.RadioSelect}
        error_messages = {
            "date": {"required": "Night of: please enter a date.", "invalid": "Night of: enter a date like 2026-03-14."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["onset"].choices = self.fields["onset"].choices[1:]  # no "---------" among the radios
        self.fields["onset"].required = False
        for name in ("hours_slept", "minutes_to_sleep", "times_woken", "irls_total"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal" if name == "hours_slept" else "numeric"})
        self.fields["hours_slept"].widget.attrs["step"] = "0.25"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-describedby", f"error-{name}")

    def clean_date(self):
        return _not_future("Night of", self.cleaned_data.get("date"))

    def validate_unique(self):
        """A second entry for a night is not an error here: the view asks whether to replace the first."""


class IronCourseForm(forms.ModelForm):
    class Meta:
        model = IronCourse
        fields = ["started", "kind", "note"]
        labels = {"started": "Started on", "kind": "Kind"}
        widgets = {"started": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose…"), *IronCourse._meta.get_field("kind").choices]

    def clean_started(self):
        return _not_future("Started on", self.cleaned_data.get("started"))


class MarkForm(forms.Form):
    """One click per meal (eaten, skipped), or what replaced it: a food with grams, or another meal."""

    status = forms.ChoiceField(
        choices=[("eaten", "Eaten"), ("skipped", "Skipped"), ("replaced", "Replaced"), ("clear", "Not marked")]
    )
    food = forms.CharField(label="Food eaten instead", required=False, max_length=200)
    grams = forms.FloatField(
        label="Grams",
        required=False,
        min_value=1,
        max_value=3000,
        error_messages={
            "min_value": "Grams must be from 1 to 3000.",
            "max_value": "Grams must be from 1 to 3000.",
            "invalid": "Grams must be a number.",
        },
    )
    meal = forms.ModelChoiceField(
        label="Or another meal",
        queryset=Meal.objects.active(),
        required=False,
        error_messages={"invalid_choice": "Choose a meal from the list."},
    )

    def clean_food(self):
        name = self.cleaned_data.get("food", "").strip()
        if not name:
            return None
        food = Food.objects.filter(name__iexact=name).first()
        if food is None:
            raise forms.ValidationError(f"Food eaten instead: no food called “{name}”; pick one from the list.")
        return food

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != "replaced" or self.errors:
            return cleaned
        food, grams, meal = cleaned.get("food"), cleaned.get("grams"), cleaned.get("meal")
        if food is None and meal is None:
            self.add_error("food", "Say what you ate instead: a food with grams, or another meal.")
        elif food is not None and meal is not None:
            self.add_error("meal", "Pick a food or a meal, not both.")
        elif food is not None and not grams:
            self.add_error("grams", "Grams: how much of it did you eat?")
        return cleaned

    def mark_values(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "food": data.get("food"),
            "grams": data.get("grams"),
            "meal": data.get("meal"),
        }


class MarkEntryForm(MarkForm):
    """A mark as a client sends it (the JSON API): its date with it, and the replacing food by id rather than by
    name. Every other rule is `MarkForm`'s."""

    date = forms.DateField(
        label="Date",
        error_messages={"required": "Date: please enter a date.", "invalid": "Date: enter a date like 2026-03-14."},
    )
    food = forms.ModelChoiceField(
        label="Food eaten instead",
        queryset=Food.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Food eaten instead: no food has this id."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = MARK_CHOICES  # clearing a mark is deleting it

    def clean_date(self):
        return _not_future("Date", self.cleaned_data.get("date"))

    def clean_food(self):
        return self.cleaned_data.get("food")


class LabResultForm(forms.ModelForm):
    """A lab value in any unit a lab prints; stored in the lab's canonical unit (`planner.labs`)."""

    value = forms.FloatField(
        label="Value",
        error_messages={
            "invalid": "Value must be a number, e.g. 45 or 4.5.",
            "required": "Value: please enter the result.",
        },
    )
    unit = forms.ChoiceField(label="Unit", choices=[(u, lab_rules.UNIT_LABELS.get(u, u)) for u in lab_rules.UNITS])

    class Meta:
        model = LabResult
        fields = ["date", "lab", "value", "unit", "where_drawn", "note"]
        labels = {
            "date": "Date drawn",
            "lab": "Test",
            "where_drawn": "Where drawn (optional)",
            "note": "Note (optional)",
        }
        widgets = {"date": DateInput()}
        error_messages = {
            "date": {
                "required": "Date drawn: please enter a date.",
                "invalid": "Date drawn: enter a date like 2026-03-14.",
            }
        }

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].choices = [(lab.name, lab.label) for lab in lab_rules.LABS.values()]
        self.fields["value"].widget.attrs["inputmode"] = "decimal"
        if self.instance.pk and not self.is_bound:  # shown again in the unit it was entered in
            self.initial["value"] = round(
                lab_rules.from_canonical(self.instance.lab, self.instance.value, self.instance.unit), 4
            )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-describedby", f"error-{name}")

    def clean_date(self):
        return _not_future("Date drawn", self.cleaned_data.get("date"))

    def clean(self):
        cleaned = super().clean()
        name, value, unit = cleaned.get("lab"), cleaned.get("value"), cleaned.get("unit")
        if name is None or value is None or unit is None:
            return cleaned
        lab = lab_rules.LABS[name]
        try:
            canonical = lab_rules.to_canonical(name, value, unit)
        except lab_rules.LabError as error:
            self.add_error("unit", f"Unit: {error.message}.")
            return cleaned
        low, high = lab.plausible
        if not low <= canonical <= high:
            shown = lab_rules.from_canonical(name, high, unit)
            self.add_error(
                "value",
                f"Value: {lab.label.lower()} must be from {low:g} to {shown:.4g} "
                f"{lab.unit_label(unit)}; check the number and the unit.",
            )
            return cleaned
        cleaned["canonical"] = canonical
        return cleaned

    def save(self, commit=True):
        result = super().save(commit=False)
        result.value = self.cleaned_data["canonical"]
        result.unit = self.cleaned_data["unit"]
        if commit:
            result.save()
        return result
