"""The API's typed shapes (pydantic, through django-ninja), from which the OpenAPI document is generated.

The profile's shape is derived from `planner.profiles.FIELD_RULES`, so the rules are stated once: the schema gives
types, choices and ranges to clients and to the docs, and `parse_profile` still decides (cross-field rules, labs).
Plan documents keep any keys the planner adds (`extra="allow"`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from nutrition.models import DIETS, RLS_NUTRIENTS
from planner.profiles import FIELD_RULES

MAX_PAGE_SIZE = 100
MAX_ID = 2**63 - 1  # the database's integer: a larger id is a 422, not an overflow
TEXT = r"^[^\x00]*$"  # no NUL character: PostgreSQL refuses it in text
TICKET = r"^[0-9a-f-]{1,64}$"


def _profile_field(name: str, rule: dict) -> tuple[Any, Any]:
    kind, label = rule["kind"], rule.get("label", name)
    if kind in ("int", "float"):
        number = int if kind == "int" else float
        kind_type = Annotated[number, Field(ge=rule["min"], le=rule["max"])]
    elif kind == "choice":
        kind_type = Literal[tuple(rule["choices"])]
    elif kind == "list":
        kind_type = Annotated[list[Literal[tuple(rule["choices"])]], Field(max_length=len(rule["choices"]))]
    elif kind == "bool":
        kind_type = bool
    else:  # labs, and any kind the planner adds later: parse_profile checks names, ranges and units
        kind_type = dict[str, Any] | None
    if rule.get("required"):
        return kind_type, Field(..., description=label)
    default = rule.get("default")
    default = list(default) if isinstance(default, tuple) else default
    return kind_type, Field(default, description=label)


ProfileIn = create_model(
    "ProfileIn",
    __config__=ConfigDict(extra="forbid"),
    __doc__="A profile in the shape `manage.py generate_plan --profile` reads.",
    **{name: _profile_field(name, rule) for name, rule in FIELD_RULES.items()},
)


class Error(Schema):
    detail: str
    field: str | None = None


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class FoodSummary(Schema):
    id: int
    name: str
    group: str
    diet: str = Field(description="The strictest diet the food suits.")
    source: str = Field(description="Dataset, e.g. usda-sr26.")
    source_id: str = Field(description="The food's id in that dataset.")


class FoodPage(Page):
    results: list[FoodSummary]


class NutrientAmountOut(Schema):
    code: str
    name: str
    unit: str
    per_100g: float | None = Field(description="Amount per 100 g; null when the source does not report it.")


class PortionOut(Schema):
    amount: float
    description: str
    grams: float


class FoodOut(FoodSummary):
    source_description: str
    allergens: list[str]
    contains_caffeine: bool
    contains_alcohol: bool
    nutrients: list[NutrientAmountOut]
    portions: list[PortionOut]


class NutrientOut(Schema):
    code: str
    name: str
    unit: str
    rls_focus: bool
    usda_sr_number: str
    fdc_nutrient_id: int | None


class TargetOut(Schema):
    model_config = ConfigDict(extra="allow")
    name: str
    target: float | None
    upper: float | None
    low: float | None
    high: float | None
    unit: str
    reason: str
    upper_is_ul: bool


class PlanItem(Schema):
    model_config = ConfigDict(extra="allow")
    food_id: int
    food: str
    grams: float
    source: str
    source_id: str


class Recipe(Schema):
    servings: int
    prep_minutes: int
    cook_minutes: int
    equipment: list[str] = []
    steps: list[str]


class PlannedSlot(Schema):
    day: int = Field(description="1-based day of the plan.")
    slot: str
    frozen: bool | None = Field(None, description="For a leftover: kept frozen (2-3 days later) rather than chilled.")


class PlanMeal(Schema):
    model_config = ConfigDict(extra="allow")
    slot: str
    slot_index: int
    meal_id: int
    name: str
    scale: float
    items: list[PlanItem]
    recipe: Recipe | None = None
    portions: int | None = Field(None, description="Portions cooked: 2 for a dinner cooked for two, 0 for a leftover.")
    leftover_of: PlannedSlot | None = Field(None, description="The dinner this meal is the second portion of.")
    second_portion: PlannedSlot | None = Field(None, description="Where this dinner's second portion is eaten.")
    same_as: PlannedSlot | None = Field(None, description="The same breakfast as on that day (same_breakfast).")


class PlanDay(Schema):
    model_config = ConfigDict(extra="allow")
    day: int
    meals: list[PlanMeal]
    totals: dict[str, float]
    coverage: dict[str, int]
    cooking_minutes: int | None = Field(None, description="Prep and cooking minutes of what is cooked that day.")


class PlanDocument(Schema):
    """The plan document `generate_plan` returns."""

    model_config = ConfigDict(extra="allow")
    profile: dict[str, Any]
    seed: int
    targets: dict[str, TargetOut]
    days: list[PlanDay]
    notes: list[str]
    solver: dict[str, Any]
    cooking_sessions: int | None = Field(None, description="Meals cooked over the plan (leftovers not counted).")


class SavedPlanSummary(Schema):
    id: int
    name: str
    created_at: datetime
    updated_at: datetime


class SavedPlanPage(Page):
    results: list[SavedPlanSummary]


class SavedPlan(SavedPlanSummary):
    seed: int
    locked: list[list[int]] = Field(description="[day, slot_index] pairs that Regenerate keeps.")
    profile: dict[str, Any]
    document: PlanDocument


class Ticket(Schema):
    ticket: str
    url: str = Field(description="Poll this URL (GET) for the plan.")


class TicketState(Schema):
    status: Literal["waiting", "done", "failed", "missing", "unavailable"]
    plan: PlanDocument | None = None
    saved_plan_id: int | None = None


class PlanRename(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120, pattern=TEXT)


class MealRef(Schema):
    model_config = ConfigDict(extra="forbid")
    day: int = Field(ge=1, le=FIELD_RULES["days"]["max"], description="1-based day of the plan.")
    slot_index: int = Field(ge=0, le=10, description="The meal's slot_index in that day.")


class LockIn(MealRef):
    locked: bool | None = Field(None, description="true locks, false unlocks; left out, it toggles.")


FoodDiet = Literal[DIETS]
RichIn = Literal[RLS_NUTRIENTS]
