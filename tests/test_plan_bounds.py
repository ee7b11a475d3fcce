"""The disjunctive and Lagrangian bounds (planner.plan_bounds) on tiny plans that HiGHS solves to proven optimality.

A lower bound must never exceed the best plan's objective, and where a frequency row binds (a nutrient from one meal
that may not be eaten on consecutive days) it must be far above the LP bound, which spreads fractions of that meal.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from planner.optimizer import relaxation_bound
from planner.plan_bounds import disjunctive_bound, lagrangian_bound
from planner.plan_milp import Week, build_block, fixed_locks
from planner.plan_types import Goal, MealOption, PlanProblem

OPTIMAL = 0  # scipy.optimize.milp: solved to optimality


def optimum(problem: PlanProblem) -> float:
    """The whole-week MILP's optimum (the model the bound is for), proven by HiGHS with no gap allowed."""
    week = Week(problem)
    block = build_block(week, list(range(problem.days)), fixed_locks(week), hard_energy=True, variety=False)
    res = block.model.solve(120.0, gap=0.0)
    assert res.status == OPTIMAL, res.message
    return float(res.fun)


def meal(id_, slot, kcal, vitamin_d=0.0, folate=100.0):
    nutrients = {"energy_kcal": kcal, "vitamin_d_ug": vitamin_d, "folate_ug_dfe": folate}
    return MealOption(id_, f"{slot} {id_}", slot, nutrients)


def one_source_problem(days: int = 3) -> PlanProblem:
    """Vitamin D comes from one dinner alone, which may not be eaten on two days running: some day goes without."""
    meals = (
        meal(1, "breakfast", 500),
        meal(2, "breakfast", 520),
        meal(3, "breakfast", 480),
        meal(4, "dinner", 700, vitamin_d=24.0),
        meal(5, "dinner", 700),
        meal(6, "dinner", 680),
    )
    goals = (Goal("vitamin_d_ug", minimum=10.0, weight=10.0), Goal("folate_ug_dfe", minimum=150.0, weight=1.0))
    return PlanProblem(days=days, slots=("breakfast", "dinner"), meals=meals, goals=goals, energy_kcal=1200)


def test_the_bound_sees_the_day_without_the_only_vitamin_d_meal():
    problem = one_source_problem()
    lp, best = relaxation_bound(problem), optimum(problem)
    report = disjunctive_bound(problem)
    # the LP takes half a portion every day; a plan has the meal on days 1 and 3 at most, so day 2 goes short
    assert lp < 1.0 < 9.0 < best
    assert report.lp == pytest.approx(lp, abs=1e-6)
    assert report.bound <= best + 1e-6
    assert report.bound > best - 0.1, (report.bound, best, report.tried)
    assert any(t.code == "vitamin_d_ug" and t.free_days == 1 for t in report.tried)
    lagrange = lagrangian_bound(problem)
    assert best - 0.1 < lagrange.bound <= best + 1e-6, (lagrange, best)


def random_problem(seed: int) -> PlanProblem:
    """A few meals per slot, one or two of them rich in vitamin D, 2-3 days, sometimes with leftovers (a dinner eaten
    again at a later lunch counts once toward the weekly limit) or a limit of once a week."""
    rng = random.Random(seed)
    slots = ("breakfast", "lunch", "dinner")
    kcal = {"breakfast": 450, "lunch": 600, "dinner": 700}
    rich = {(rng.choice(slots), 0) for _ in range(rng.randint(1, 2))}  # one or two meals carry the vitamin D
    meals, next_id = [], 1
    for slot in slots:
        for i in range(rng.randint(3, 4)):
            d = rng.uniform(10, 30) if (slot, i) in rich else rng.uniform(0, 3)
            meals.append(meal(next_id, slot, kcal[slot] * rng.uniform(0.8, 1.2), d, rng.uniform(50, 250)))
            next_id += 1
    goals = (
        Goal("vitamin_d_ug", minimum=15.0, maximum=60.0, weight=10.0),
        Goal("folate_ug_dfe", minimum=400.0, weight=rng.choice((1.0, 10.0))),
    )
    return PlanProblem(
        days=rng.choice((2, 3)),
        slots=slots,
        meals=tuple(meals),
        goals=goals,
        energy_kcal=1750,
        max_per_week=rng.choice((1, 2)),
        leftovers=rng.random() < 0.5,
        leftover_lags=(1,),
        seed=seed,
    )


@pytest.mark.parametrize("seed", range(12))
def test_the_bound_never_exceeds_the_proven_optimum(seed):
    problem = random_problem(seed)
    best = optimum(problem)
    report = disjunctive_bound(problem, depth=2)
    assert report.lp <= report.bound <= best + 1e-6, (report.lp, report.bound, best, report.how, report.tried)
    assert lagrangian_bound(problem, iterations=8).bound <= best + 1e-6


def test_kept_meals_count_a_kept_day_short_of_vitamin_d_included():
    """Day 1 is kept whole without the vitamin D meal (a shortfall no choice can change) and day 2's breakfast is
    kept: both bounds still reach the optimum, the kept day's shortfall included."""
    problem = replace(one_source_problem(), locked={(0, 0): (1, 1.0), (0, 1): (5, 1.0), (1, 0): (2, 1.0)})
    best = optimum(problem)
    assert best > 19.0
    for bound in (disjunctive_bound(problem).bound, lagrangian_bound(problem).bound):
        assert best - 0.1 < bound <= best + 1e-6, (bound, best)
