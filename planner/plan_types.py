"""The optimiser's input and output as plain frozen dataclasses (no Django, no solver).

`optimizer` (the solve) and `plan_milp` (the MILP it builds) both read these; callers build a
`PlanProblem` and get back a `PlanSolution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MealOption:
    id: int  # Meal pk
    name: str
    slot: str  # "breakfast" | "lunch" | "dinner" | "snack"
    nutrients: Mapping[str, float]  # per 1.0 serving; a code missing here counts as 0 (the caller notes unknowns)
    caffeine: bool = False
    alcohol: bool = False
    prep_minutes: float = 0.0  # hands-on time to make one batch (any number of portions)
    cook_minutes: float = 0.0

    @property
    def cooking_minutes(self) -> float:
        return self.prep_minutes + self.cook_minutes


@dataclass(frozen=True)
class Goal:  # one nutrient's daily goal
    code: str
    minimum: float | None = None  # soft: shortfall below it is penalised (weight x relative shortfall)
    maximum: float | None = None  # hard upper bound when hard_maximum, else soft (excess penalised)
    weight: float = 1.0
    hard_maximum: bool = True


@dataclass(frozen=True)
class PlanProblem:
    days: int
    slots: tuple[str, ...]  # per day, e.g. ("breakfast", "lunch", "dinner", "snack")
    meals: tuple[MealOption, ...]  # already filtered by diet and allergens by the caller
    goals: tuple[Goal, ...]
    energy_kcal: float  # daily energy target; hard within +-energy_tolerance
    energy_tolerance: float = 0.10
    scales: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
    morning_slots: frozenset[int] = frozenset({0})  # slot indices before midday: caffeine only there
    locked: Mapping[tuple[int, int], tuple[int, float]] = field(default_factory=dict)  # (day, slot) -> (meal, scale)
    avoid: frozenset[tuple[int, int, int]] = frozenset()  # (day, slot_index, meal_id) never chosen (used by Swap)
    max_per_week: int = 2  # same meal at most twice in any 7 days, never on consecutive days
    seed: int = 0
    time_limit: float = 10.0  # seconds for the whole plan; best found is returned at the limit
    # Cook once, eat twice: a dinner may be cooked for two, its second portion (same scale) eaten at lunch on a
    # later day: 1 day later from the fridge, more days later frozen.
    leftovers: bool = False
    leftover_lags: tuple[int, ...] = (1, 2, 3)
    same_breakfast: bool = False  # one breakfast (meal and scale) on every weekday of each week
    max_cooking_minutes: float | None = None  # per weekday, prep + cook of what is cooked that day
    weekdays: frozenset[int] | None = None  # day indices that are weekdays; None: day 0 is a Monday
    # (day, slot) of a locked meal -> (day, slot) it is the leftover of, so that a kept leftover is not cooked again
    locked_leftovers: Mapping[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def is_weekday(self, day: int) -> bool:
        return day in self.weekdays if self.weekdays is not None else day % 7 < 5


@dataclass(frozen=True)
class PlannedMeal:
    day: int  # 0-based
    slot_index: int
    slot: str
    meal_id: int
    scale: float
    leftover_of: tuple[int, int] | None = None  # (day, slot_index) where this portion was cooked
    same_as: tuple[int, int] | None = None  # (day, slot_index) of the same-breakfast choice this repeats

    @property
    def cooked(self) -> bool:
        return self.leftover_of is None


@dataclass(frozen=True)
class PlanSolution:
    status: str  # "optimal" | "feasible" | "time_limit" | "energy_relaxed" | "infeasible"
    meals: tuple[PlannedMeal, ...]  # one per (day, slot) whenever any plan exists
    seconds: float
    gap: float  # relative gap between the objective and the LP-relaxation bound (0.0 = proven optimal)
    shortfalls: Mapping[tuple[int, str], float]  # (day, code) -> amount below the goal's minimum, in its unit
    notes: tuple[str, ...] = ()
    cooking_minutes: Mapping[int, float] = field(default_factory=dict)  # day -> prep + cook minutes that day
