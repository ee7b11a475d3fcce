"""Who a plan is for: the profile `generate_plan` reads, its allowed values and one clear error per bad field.

Plain Python so the management command, the services and the UI form share one set of rules: a form
reads the choices and ranges from `FIELD_RULES` and the module-level tuples rather than restating them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from nutrition.models import ALLERGENS, DIETS
from nutrition.units import UNITS, feet_inches_to_cm, pounds_to_kg

from . import labs
from .input_error import InputError

SEXES = ("female", "male")
ACTIVITIES = ("sedentary", "low", "active", "very_active")
# Most to least permissive, as a person would pick them in a form.
DIET_CHOICES = ("omnivore", "pescatarian", "vegetarian", "vegan")
assert set(DIET_CHOICES) == set(DIETS)
LIFE_STAGES = ("none", "pregnant", "lactating")
DEFICIENCIES = ("iron", "folate", "magnesium", "vitamin_b12", "vitamin_d", "vitamin_c")
PREGNANCY_AGES = (12, 55)
# Weight for height beyond this BMI range is almost surely a typo, and the energy equations break down there.
BMI_RANGE = (10.0, 80.0)

# Lab values a person may enter: names, units, conversions and plausible ranges live in `planner.labs`.
LABS = labs.LABS

# One rule per field: kind, whether it is required, the default, and the allowed values or range.
FIELD_RULES: dict[str, dict[str, Any]] = {
    "age": {"kind": "int", "required": True, "min": 1, "max": 120, "label": "Age (years)"},
    "sex": {"kind": "choice", "required": True, "choices": SEXES, "label": "Sex"},
    "weight_kg": {"kind": "float", "required": True, "min": 10, "max": 300, "label": "Weight (kg)"},
    "height_cm": {"kind": "float", "required": True, "min": 50, "max": 250, "label": "Height (cm)"},
    "activity": {"kind": "choice", "default": "low", "choices": ACTIVITIES, "label": "Activity"},
    "diet": {"kind": "choice", "default": "omnivore", "choices": DIET_CHOICES, "label": "Diet"},
    "exclude": {"kind": "list", "default": (), "choices": ALLERGENS, "label": "Avoid (allergens)"},
    "deficiencies": {"kind": "list", "default": (), "choices": DEFICIENCIES, "label": "Known deficiencies"},
    "labs": {"kind": "labs", "default": None, "label": "Recent lab results"},
    "life_stage": {"kind": "choice", "default": "none", "choices": LIFE_STAGES, "label": "Pregnancy or lactation"},
    "smoker": {"kind": "bool", "default": False, "label": "Smoker"},
    "days": {"kind": "int", "default": 7, "min": 1, "max": 14, "label": "Days"},
    "meals_per_day": {"kind": "int", "default": 3, "min": 3, "max": 3, "label": "Meals a day"},
    "snacks_per_day": {"kind": "int", "default": 1, "min": 0, "max": 2, "label": "Snacks a day"},
    "leftovers": {"kind": "bool", "default": False, "label": "Use leftovers"},
    "same_breakfast": {"kind": "bool", "default": False, "label": "The same breakfast every weekday"},
    "max_cooking_minutes": {
        "kind": "int",
        "default": None,
        "min": 10,
        "max": 240,
        "label": "Most cooking minutes on a weekday",
    },
    "units": {"kind": "choice", "default": "metric", "choices": UNITS, "label": "Show amounts in"},
}
# US body measures a profile may give instead of the metric ones; converted at the boundary (parse_profile).
US_BODY_FIELDS = {"weight_lb": "weight_kg", "height_ft": "height_cm", "height_in": "height_cm"}


class ProfileError(InputError):
    """A profile field is missing or out of range (a lab's `LabError` is passed on as one, naming the same field)."""


@dataclass(frozen=True)
class PlanProfile:
    age: int
    sex: str
    weight_kg: float
    height_cm: float
    activity: str = "low"
    diet: str = "omnivore"
    exclude: tuple[str, ...] = ()
    deficiencies: tuple[str, ...] = ()
    labs: Mapping[str, float] | None = field(default=None, hash=False)  # lab name -> value in its canonical unit
    life_stage: str = "none"
    smoker: bool = False
    days: int = 7
    meals_per_day: int = 3
    snacks_per_day: int = 1
    leftovers: bool = False
    same_breakfast: bool = False
    max_cooking_minutes: int | None = None
    units: str = "metric"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exclude"] = list(self.exclude)
        data["deficiencies"] = list(self.deficiencies)
        data["labs"] = labs_document(self.labs)
        return data

    @property
    def slots(self) -> tuple[str, ...]:
        """The day's slots in time order: snacks fall mid-morning, mid-afternoon (never late evening)."""
        snacks = self.snacks_per_day
        slots = ["breakfast"] + ["snack"] * min(snacks, 1) + ["lunch"] + ["snack"] * max(snacks - 1, 0) + ["dinner"]
        return tuple(slots)


def _number(name: str, value: Any, rule: dict[str, Any]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ProfileError(name, f"{value!r} is not a number") from None
        else:
            raise ProfileError(name, f"{value!r} is not a number")
    if value != value:  # NaN
        raise ProfileError(name, "is not a number")
    if rule["kind"] == "int" and value != int(value):
        raise ProfileError(name, f"must be a whole number, got {value!r}")
    if not rule["min"] <= value <= rule["max"]:
        raise ProfileError(name, f"must be between {rule['min']} and {rule['max']}, got {value:g}")
    return int(value) if rule["kind"] == "int" else float(value)


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ProfileError(name, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _list(name: str, value: Any, choices: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        raise ProfileError(name, f"must be a list drawn from {', '.join(choices)}")
    for item in value:
        if item not in choices:
            raise ProfileError(name, f"{item!r} is not one of {', '.join(choices)}")
    return tuple(dict.fromkeys(value))


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1) and not isinstance(value, float):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "false", "yes", "no"}:
        return value.strip().lower() in {"true", "yes"}
    raise ProfileError(name, f"{value!r} must be true or false")


def labs_document(values: Mapping[str, float] | None) -> dict[str, dict[str, Any]] | None:
    """Canonical lab values as the profile JSON writes them: `{"ferritin": {"value": 60.0, "unit": "ng/mL"}}`."""
    if not values:
        return None
    return {labs.lab(key).name: {"value": value, "unit": labs.lab(key).canonical_unit} for key, value in values.items()}


def parse_lab(key: str, raw: Any, name: str = "labs") -> tuple[str, float | None]:
    """One lab entry as (lab name, canonical value or None when left empty); `ProfileError` naming the field.

    `key` is a lab name with `raw` as `{"value": 60, "unit": "ug/L"}`, or today's key (`ferritin_ng_ml`) with a
    number in that key's unit. The plausible range is checked after conversion, in the canonical unit.
    """
    field_name = f"{name}.{key}"
    try:
        lab = labs.lab(key, field_name)
    except labs.LabError as error:
        raise ProfileError(error.field, error.message) from None
    if key == lab.legacy_key:
        value, unit = raw, lab.canonical_unit
        if isinstance(raw, Mapping):
            raise ProfileError(field_name, f"must be a number in {lab.unit_label()}; use {lab.name!r} to give a unit")
    elif isinstance(raw, Mapping):
        extra = sorted(set(raw) - {"value", "unit"})
        if extra:
            raise ProfileError(f"{field_name}.{extra[0]}", "is not part of a lab result; use value and unit")
        value, unit = raw.get("value"), raw.get("unit")
        if value is not None and value != "" and (unit is None or unit == ""):
            fits = ", ".join(lab.unit_label(u) for u in lab.units)
            raise ProfileError(f"{field_name}.unit", f"this field is required; use {fits}")
    elif raw is None or raw == "":
        return lab.name, None
    else:
        raise ProfileError(
            field_name,
            f'must be {{"value": ..., "unit": ...}}; or use {lab.legacy_key!r} for a number in {lab.unit_label()}',
        )
    if value is None or value == "":
        return lab.name, None
    number = _number(field_name, value, {"kind": "float", "min": -math.inf, "max": math.inf})
    try:
        canonical = labs.to_canonical(lab.name, number, unit, field=field_name)
    except labs.LabError as error:
        raise ProfileError(error.field, error.message) from None
    low, high = lab.plausible
    if not low <= canonical <= high:
        given = "" if unit == lab.canonical_unit else f" ({number:g} {lab.unit_label(labs.normalise_unit(unit))})"
        raise ProfileError(
            field_name,
            f"must be between {low:g} and {high:g} {lab.unit_label()}, got {canonical:.4g} {lab.unit_label()}{given}",
        )
    return lab.name, canonical


def _labs(name: str, value: Any) -> dict[str, float] | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, Mapping):
        raise ProfileError(name, f"must be an object with any of {', '.join(labs.LAB_NAMES)}")
    found: dict[str, float] = {}
    seen: set[str] = set()
    for key, raw in value.items():
        lab_name, canonical = parse_lab(str(key), raw, name)
        if lab_name in seen:
            raise ProfileError(f"{name}.{key}", f"{labs.LABS[lab_name].label.lower()} is given twice")
        seen.add(lab_name)
        if canonical is not None:
            found[lab_name] = canonical
    return {n: found[n] for n in labs.LAB_NAMES if n in found} or None


def _metric_body(data: Mapping) -> dict:
    """`data` with a weight in pounds (`weight_lb`) and a height in feet and inches (`height_ft` with
    `height_in`; `height_in` alone is the whole height in inches) turned into `weight_kg` and `height_cm`."""
    data = dict(data)
    given = {name for name in US_BODY_FIELDS if data.get(name) not in (None, "")}
    for name in US_BODY_FIELDS:
        if name not in given:
            data.pop(name, None)
    if "weight_lb" in given:
        if data.get("weight_kg") not in (None, ""):
            raise ProfileError("weight_lb", "give the weight once, in kg or in lb")
        pounds = _number("weight_lb", data.pop("weight_lb"), {"kind": "float", "min": 22, "max": 660})
        data["weight_kg"] = pounds_to_kg(pounds)
    if given & {"height_ft", "height_in"}:
        if data.get("height_cm") not in (None, ""):
            raise ProfileError("height_ft", "give the height once, in cm or in feet and inches")
        feet = _number("height_ft", data.pop("height_ft", 0) or 0, {"kind": "float", "min": 0, "max": 8})
        inch_max = 11.99 if "height_ft" in given else 99
        inches = _number("height_in", data.pop("height_in", 0) or 0, {"kind": "float", "min": 0, "max": inch_max})
        data["height_cm"] = feet_inches_to_cm(feet, inches)
    return data


def parse_profile(data: Any) -> PlanProfile:
    """A checked `PlanProfile` from JSON-like data; raises `ProfileError` naming the first bad field.

    Weight and height may come in US units (`weight_lb`, `height_ft` and `height_in`); the profile keeps
    `weight_kg` and `height_cm`.
    """
    if not isinstance(data, Mapping):
        raise ProfileError("profile", "must be a JSON object")
    data = _metric_body(data)
    unknown = sorted(set(data) - set(FIELD_RULES))
    if unknown:
        raise ProfileError(unknown[0], f"is not a profile field; use any of {', '.join(FIELD_RULES)}")
    values: dict[str, Any] = {}
    for name, rule in FIELD_RULES.items():
        if name not in data or data[name] is None:
            if rule.get("required"):
                raise ProfileError(name, "this field is required")
            values[name] = rule["default"]
            continue
        value = data[name]
        kind = rule["kind"]
        if kind in ("int", "float"):
            values[name] = _number(name, value, rule)
        elif kind == "choice":
            values[name] = _choice(name, value, rule["choices"])
        elif kind == "list":
            values[name] = _list(name, value, rule["choices"])
        elif kind == "bool":
            values[name] = _bool(name, value)
        else:
            values[name] = _labs(name, value)
    bmi = values["weight_kg"] / (values["height_cm"] / 100) ** 2
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1]:
        raise ProfileError(
            "weight_kg",
            f"{values['weight_kg']:g} kg at {values['height_cm']:g} cm is a BMI of {bmi:.1f}; check weight and height",
        )
    if values["life_stage"] != "none":
        low, high = PREGNANCY_AGES
        if values["sex"] != "female" or not low <= values["age"] <= high:
            raise ProfileError("life_stage", f"{values['life_stage']} applies only to females aged {low} to {high}")
    return PlanProfile(**values)


def load_profile_json(text: str) -> PlanProfile:
    """Parse a profile from JSON text; unreadable JSON is a `ProfileError` too."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProfileError("profile", f"not valid JSON ({error.msg} at line {error.lineno})") from None
    return parse_profile(data)
