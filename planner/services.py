"""Plan generation: a profile in, a plan document out.

The UI and `manage.py generate_plan` call `generate_plan` and `swap_meal`; the optimiser benchmark calls
`build_problem`. Meals come from `meal_options`, targets from `targets`, the plan from `optimizer`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

from nutrition.models import RLS_NUTRIENTS

from .labs import pregnancy_notes
from .meal_options import MealRecord, active_meal_records
from .optimizer import cooking_sessions, solve_plan
from .plan_types import Goal, MealOption, PlanProblem, PlanSolution
from .profiles import PlanProfile
from .targets import Target, daily_targets, lab_assessment

# Relative weight of each goal's shortfall or excess in the optimiser's objective.
FOCUS_WEIGHT = 10.0
GOAL_WEIGHTS = {"calcium_mg": 3.0, "protein_g": 2.0, "fat_g": 1.0, "carbohydrate_g": 1.0, "fiber_g": 1.0}
SODIUM_WEIGHT = 0.5
# A day counts as meeting a target at this share of it (the Done-when figure uses the same rule).
MET_SHARE = 0.95
ABSORPTION_TIP = (
    "Iron from plants and eggs is absorbed better with vitamin C in the same meal (citrus, peppers, tomatoes, "
    "berries, broccoli); tea, coffee and calcium supplements taken with a meal lower iron absorption, so keep "
    "them apart from iron-rich meals."
)
DISCLAIMER = (
    "This plan informs; it does not diagnose or prescribe. Talk to a clinician about RLS, iron tests and supplements. "
    "It is not for kidney disease or dialysis, where RLS is common and magnesium, potassium and phosphorus need a "
    "renal dietitian."
)
SMOKER_NOTE = (
    "Smoking: nicotine worsens RLS; stopping smoking is one of the lifestyle steps advised for RLS "
    "(NINDS; MedlinePlus). Smoking also raises the vitamin C you need, which your target includes."
)


@dataclass(frozen=True)
class PlanInputs:
    problem: PlanProblem
    targets: dict[str, Target]
    meals: dict[int, MealRecord]  # every meal the plan may use, by id


def eligible_meals(profile: PlanProfile) -> list[MealRecord]:
    """Active meals that suit the diet, contain none of the excluded allergens and no alcohol."""
    return [m for m in active_meal_records() if m.suits(profile.diet, profile.exclude)]


def _goals(targets: dict[str, Target]) -> tuple[Goal, ...]:
    goals = []
    for code, t in targets.items():
        if code in ("energy_kcal", "alcohol_g", "caffeine_mg"):
            continue  # energy is its own constraint; alcohol and caffeine are handled by meal choice
        if code in RLS_NUTRIENTS:
            goals.append(Goal(code, minimum=t.target, maximum=t.upper, weight=FOCUS_WEIGHT, hard_maximum=True))
        elif t.low is not None:
            goals.append(Goal(code, minimum=t.low, maximum=t.high, weight=GOAL_WEIGHTS[code], hard_maximum=False))
        elif code == "sodium_mg" and t.upper is not None:
            goals.append(Goal(code, maximum=t.upper, weight=SODIUM_WEIGHT, hard_maximum=False))
        elif t.target is not None or (t.upper is not None and t.upper_is_ul):
            goals.append(
                Goal(
                    code,
                    minimum=t.target,
                    maximum=t.upper if t.upper_is_ul else None,
                    weight=GOAL_WEIGHTS.get(code, 1.0),
                    hard_maximum=True,
                )
            )
    return tuple(goals)


def _option(meal: MealRecord) -> MealOption:
    return MealOption(
        id=meal.id,
        name=meal.name,
        slot=meal.slot,
        nutrients=dict(meal.nutrients),
        caffeine=meal.caffeine,
        alcohol=meal.alcohol,
        prep_minutes=meal.prep_minutes,
        cook_minutes=meal.cook_minutes,
    )


def plan_inputs(
    profile: PlanProfile,
    *,
    days: int | None = None,
    seed: int = 0,
    locked: Mapping[tuple[int, int], tuple[int, float]] | None = None,
    avoid=frozenset(),
    time_limit: float | None = None,
    locked_leftovers: Mapping[tuple[int, int], tuple[int, int]] | None = None,
) -> PlanInputs:
    targets = daily_targets(profile)
    slots = profile.slots
    meals = {m.id: m for m in eligible_meals(profile)}
    # A lock on a meal the profile no longer allows (diet or allergens changed) is dropped, never kept.
    locked = {key: value for key, value in (locked or {}).items() if value[0] in meals}
    extra = {} if time_limit is None else {"time_limit": time_limit}
    problem = PlanProblem(
        days=days or profile.days,
        slots=slots,
        meals=tuple(_option(m) for m in meals.values()),
        goals=_goals(targets),
        energy_kcal=targets["energy_kcal"].target,
        morning_slots=frozenset(i for i, s in enumerate(slots) if i < slots.index("lunch")),
        locked=locked,
        avoid=frozenset(avoid),
        seed=seed,
        leftovers=profile.leftovers,
        same_breakfast=profile.same_breakfast,
        max_cooking_minutes=profile.max_cooking_minutes,
        locked_leftovers={k: v for k, v in (locked_leftovers or {}).items() if k in locked and v in locked},
        **extra,
    )
    return PlanInputs(problem=problem, targets=targets, meals=meals)


def build_problem(profile: PlanProfile, **kwargs) -> PlanProblem:
    """The optimiser's input for this profile (the benchmark solves it directly)."""
    return plan_inputs(profile, **kwargs).problem


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}".removesuffix(".0")


def _day_documents(inputs: PlanInputs, solution: PlanSolution) -> tuple[list[dict], dict[str, set[str]]]:
    problem = inputs.problem
    codes = list(inputs.targets)
    days = [
        {
            "day": d + 1,
            "meals": [],
            "totals": dict.fromkeys(codes, 0.0),
            "cooking_minutes": round(solution.cooking_minutes.get(d, 0.0)),
        }
        for d in range(problem.days)
    ]
    # (day, slot) of a dinner cooked for two -> (day, slot) of its second portion
    second_portion = {pm.leftover_of: (pm.day, pm.slot_index) for pm in solution.meals if pm.leftover_of}
    unknown: dict[str, set[str]] = {}
    for planned in sorted(solution.meals, key=lambda p: (p.day, p.slot_index)):
        meal = inputs.meals[planned.meal_id]
        day = days[planned.day]
        items = []
        for item in meal.items:
            grams = round(item.grams * planned.scale, 1)
            items.append(
                {
                    "food_id": item.food_id,
                    "food": item.food,
                    "grams": grams,
                    "source": item.source,
                    "source_id": item.source_id,
                }
            )
            for code in codes:
                if code in item.amounts:
                    day["totals"][code] += item.amounts[code] * grams / 100.0
                else:
                    unknown.setdefault(code, set()).add(item.food)
        entry = {
            "slot": planned.slot,
            "slot_index": planned.slot_index,
            "meal_id": meal.id,
            "name": meal.name,
            "scale": planned.scale,
            "items": items,
            "recipe": meal.recipe,
            "portions": 2 if (planned.day, planned.slot_index) in second_portion else 1,
        }
        if planned.leftover_of is not None:
            cooked_day, cooked_slot = planned.leftover_of
            entry["portions"] = 0  # its grams were cooked (and bought) with that dinner
            entry["leftover_of"] = {
                "day": cooked_day + 1,
                "slot": problem.slots[cooked_slot],
                "frozen": planned.day - cooked_day > 1,
            }
        if (planned.day, planned.slot_index) in second_portion:
            later_day, later_slot = second_portion[(planned.day, planned.slot_index)]
            entry["second_portion"] = {"day": later_day + 1, "slot": problem.slots[later_slot]}
        if planned.same_as is not None:
            entry["same_as"] = {"day": planned.same_as[0] + 1, "slot": problem.slots[planned.same_as[1]]}
        day["meals"].append(entry)
    for day in days:
        day["totals"] = {code: round(value, 2) for code, value in day["totals"].items()}
        day["coverage"] = {
            code: round(100 * day["totals"][code] / t.target) for code, t in inputs.targets.items() if t.target
        }
    return days, unknown


def _notes(profile: PlanProfile, inputs: PlanInputs, days: list[dict], unknown, solution: PlanSolution) -> list[str]:
    targets = inputs.targets
    notes: list[str] = []
    for code in RLS_NUTRIENTS:
        t = targets[code]
        values = [day["totals"][code] for day in days if day["meals"]]
        if not values or t.target is None:
            continue
        short = [v for v in values if v < MET_SHARE * t.target]
        if short:
            average = sum(values) / len(values)
            notes.append(
                f"{t.name}: food reaches {_fmt(average)} of {_fmt(t.target)} {t.unit} a day on average "
                f"(short on {len(short)} of {len(values)} days) within your diet and the upper limits; "
                "ask a clinician about a supplement."
            )
    # Lab notes (a clinician's word, overload, bands) and pregnancy notes show whether or not food reaches a target.
    assessment = lab_assessment(profile)
    notes.extend(note.text for note in assessment.notes)
    notes.extend(note.text for note in pregnancy_notes(profile.life_stage))
    wants_iron = profile.diet in ("vegetarian", "vegan") or "iron_mg" in _raised(targets)
    if wants_iron and assessment.absorption_tips_allowed:
        notes.append(ABSORPTION_TIP)
    notes.extend(unknown_notes(targets, days, unknown))
    caffeinated = sorted({m["name"] for day in days for m in day["meals"] if inputs.meals[m["meal_id"]].caffeine})
    if caffeinated:
        notes.append(
            f"Caffeine: {', '.join(caffeinated)} contain caffeine, which can aggravate RLS; they are only planned "
            "before midday, and you can leave the caffeinated part out."
        )
    if profile.smoker:
        notes.append(SMOKER_NOTE)
    notes.extend(solution.notes)
    notes.append(DISCLAIMER)
    return notes


def _listed(foods) -> str:
    foods = sorted(foods)
    return ", ".join(foods[:5]) + (f" and {len(foods) - 5} more" if len(foods) > 5 else "")


def unknown_notes(targets: dict[str, Target], days: list[dict], unknown: Mapping[str, set[str]]) -> list[str]:
    """One note per nutrient that some planned food does not report, naming the foods.

    The optimiser and the totals count an unknown as 0 (it adds up the values the sources report). Toward a minimum
    that can only understate a day; toward an upper limit it could hide an excess, so for every nutrient with an
    upper limit the note says plainly that the plan cannot promise to stay under it.
    """
    notes = []
    for code in sorted(unknown, key=lambda c: list(targets).index(c) if c in targets else len(targets)):
        t = targets.get(code)
        if t is None or code in ("caffeine_mg", "alcohol_g"):
            continue  # caffeine and alcohol are kept out by each meal's curated flags, not by amounts
        shown = _listed(unknown[code])
        if t.upper is not None and t.upper_is_ul:
            highest = max((day["totals"].get(code, 0.0) for day in days if day["meals"]), default=0.0)
            notes.append(
                f"{t.name}: unknown for {shown}. The totals count an unknown as 0, so the real amount may be higher "
                f"than shown, and the plan cannot promise to stay under the upper limit of {_fmt(t.upper)} {t.unit} "
                f"(the highest day counts {_fmt(highest)} {t.unit} without them)."
            )
        else:
            notes.append(
                f"{t.name}: unknown for {shown}; counted as 0 in the totals, so the real amount may be higher."
            )
    return notes


def _raised(targets: dict[str, Target]) -> set[str]:
    return {code for code, t in targets.items() if "Raised" in t.reason}


def _document(profile: PlanProfile, inputs: PlanInputs, solution: PlanSolution, seed: int) -> dict:
    days, unknown = _day_documents(inputs, solution)
    return {
        "profile": profile.to_dict(),
        "seed": seed,
        "targets": {code: {"name": t.name, **t.as_dict()} for code, t in inputs.targets.items()},
        "days": days,
        "notes": _notes(profile, inputs, days, unknown, solution),
        "solver": {"status": solution.status, "seconds": round(solution.seconds, 3), "gap": solution.gap},
        "cooking_sessions": cooking_sessions(solution.meals),
    }


def generate_plan(
    profile: PlanProfile,
    seed: int = 0,
    days: int | None = None,
    locked: Mapping[tuple[int, int], tuple[int, float]] | None = None,
    *,
    avoid=frozenset(),
    time_limit: float | None = None,
    locked_leftovers: Mapping[tuple[int, int], tuple[int, int]] | None = None,
) -> dict:
    """The plan document for this profile. `locked` maps (day, slot_index), both 0-based, to (meal_id, scale).

    The solver gets `time_limit` seconds (default `settings.PLAN_TIME_LIMIT`); at the limit the best plan found so
    far comes back, with a note saying so.
    """
    if time_limit is None:
        time_limit = settings.PLAN_TIME_LIMIT
    inputs = plan_inputs(
        profile,
        days=days,
        seed=seed,
        locked=locked,
        avoid=avoid,
        time_limit=time_limit,
        locked_leftovers=locked_leftovers,
    )
    solution = solve_plan(inputs.problem)
    return _document(profile, inputs, solution, seed)


def leftovers_from_document(document: dict) -> dict[tuple[int, int], tuple[int, int]]:
    """Every leftover in a document as optimiser links: (day, slot_index) -> (day, slot_index) it was cooked at."""
    links = {}
    slots = {meal["slot"]: meal["slot_index"] for day in document["days"] for meal in day["meals"]}
    for day in document["days"]:
        for meal in day["meals"]:
            if meal.get("leftover_of"):
                source = meal["leftover_of"]
                links[(day["day"] - 1, meal["slot_index"])] = (source["day"] - 1, slots[source["slot"]])
    return links


def locked_from_document(document: dict) -> dict[tuple[int, int], tuple[int, float]]:
    """Every planned meal in a document as optimiser locks: (day, slot_index) -> (meal_id, scale), 0-based."""
    return {
        (day["day"] - 1, meal["slot_index"]): (meal["meal_id"], meal["scale"])
        for day in document["days"]
        for meal in day["meals"]
    }


def swap_meal(document: dict, profile: PlanProfile, day: int, slot_index: int, seed: int = 0) -> dict:
    """The document with one meal replaced by the best alternative; `day` and `slot_index` are 0-based.

    Every other meal stays as it is (locked); the current meal is avoided in that slot.
    """
    locked = locked_from_document(document)
    current = locked.pop((day, slot_index), None)
    links = leftovers_from_document(document)
    for later, cooked_at in list(links.items()):  # a swapped dinner takes its second portion with it
        if cooked_at == (day, slot_index):
            locked.pop(later, None)
    avoid = frozenset({(day, slot_index, current[0])}) if current else frozenset()
    return generate_plan(
        profile, seed=seed, days=len(document["days"]), locked=locked, avoid=avoid, locked_leftovers=links
    )
