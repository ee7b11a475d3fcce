"""Who a plan is for: the profile `generate_plan` reads, its allowed values and one clear error per bad field.

Plain Python so the management command, the services and the UI form share one set of rules: a form
reads the choices and ranges from `FIELD_RULES` and the module-level tuples rather than restating them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from nutrition.models import ALLERGENS, DIETS

SEXES = ("female", "male")
ACTIVITIES = ("sedentary", "low", "active", "very_active")
# Most to least permissive, as a person would pick them in a form.
DIET_CHOICES = ("omnivore", "pescatarian", "vegetarian", "vegan")
assert set(DIET_CHOICES) == set(DIETS)
LIFE_STAGES = ("none", "pregnant", "lactating")
UNITS = ("metric", "us")  # how plans show amounts; the optimiser works in grams whatever the choice
DEFICIENCIES = ("iron", "folate", "magnesium", "vitamin_b12", "vitamin_d", "vitamin_c")
PREGNANCY_AGES = (12, 55)
# Weight for height beyond this BMI range is almost surely a typo, and the energy equations break down there.
BMI_RANGE = (10.0, 80.0)

# Lab values a person may enter: name -> (label, unit, lowest plausible, highest plausible).
LABS = {
    "ferritin_ng_ml": ("Ferritin", "ng/mL", 0.0, 5000.0),
    "transferrin_saturation_pct": ("Transferrin saturation", "%", 0.0, 100.0),
    "vitamin_b12_pg_ml": ("Vitamin B12", "pg/mL", 0.0, 5000.0),
    "folate_ng_ml": ("Serum folate", "ng/mL", 0.0, 100.0),
    "vitamin_d_25oh_ng_ml": ("25-hydroxyvitamin D", "ng/mL", 0.0, 300.0),
    "magnesium_mg_dl": ("Serum magnesium", "mg/dL", 0.0, 10.0),
}

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
    "units": {"kind": "choice", "default": "metric", "choices": UNITS, "label": "Units"},
}


class ProfileError(ValueError):
    """A profile field is missing or out of range; `str()` is one line naming the field."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


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
    labs: Mapping[str, float] | None = field(default=None, hash=False)
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
        data["labs"] = dict(self.labs) if self.labs else None
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


def _labs(name: str, value: Any) -> dict[str, float] | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, Mapping):
        raise ProfileError(name, f"must be an object with any of {', '.join(LABS)}")
    labs = {}
    for key, raw in value.items():
        if key not in LABS:
            raise ProfileError(f"{name}.{key}", f"is not a known lab; use any of {', '.join(LABS)}")
        if raw is None or raw == "":
            continue
        _label, _unit, low, high = LABS[key]
        labs[key] = _number(f"{name}.{key}", raw, {"kind": "float", "min": low, "max": high})
    return labs or None


def parse_profile(data: Any) -> PlanProfile:
    """A checked `PlanProfile` from JSON-like data; raises `ProfileError` naming the first bad field."""
    if not isinstance(data, Mapping):
        raise ProfileError("profile", "must be a JSON object")
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
