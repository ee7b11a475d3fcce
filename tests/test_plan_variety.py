"""The variety rules of the MILP over blocks of several days (the whole week, or days re-solved together).

Each test solves one block of `plan_milp.build_block` directly: the rolling horizon solves one day at a time,
where these rows are never stretched, so the two latent bugs below only showed in multi-day blocks.
"""

from __future__ import annotations

import numpy as np

from planner.plan_milp import Week, build_block, fixed_locks
from planner.plan_types import Goal, MealOption, PlanProblem

SLOTS = ("breakfast", "lunch", "dinner")
STAR = 100  # the one dinner rich in iron: the optimiser wants it every day


def meals() -> tuple[MealOption, ...]:
    plain = [
        MealOption(i, f"{kind} {i}", kind, {"energy_kcal": 600.0, "iron_mg": 1.0})
        for i, kind in enumerate([k for k in SLOTS for _ in range(6)], start=1)
    ]
    star = MealOption(STAR, "lentil stew", "dinner", {"energy_kcal": 600.0, "iron_mg": 15.0})
    return (*plain, star)


def problem(**kwargs) -> PlanProblem:
    defaults = dict(
        days=7,
        slots=SLOTS,
        meals=meals(),
        goals=(Goal("iron_mg", minimum=18, maximum=45, weight=10),),
        energy_kcal=1800,
        morning_slots=frozenset({0}),
    )
    return PlanProblem(**{**defaults, **kwargs})


def star_days(p: PlanProblem) -> list[int]:
    """Days the star dinner is planned on, locks included, after solving every day as one block."""
    week = Week(p)
    block = build_block(week, list(range(p.days)), fixed_locks(week), hard_energy=True, variety=True)
    res = block.model.solve(20)
    assert res.x is not None
    picked = np.flatnonzero(res.x[: len(block.meal)] > 0.5)
    days = [int(block.day[i]) for i in picked if p.meals[block.meal[i]].id == STAR]
    days += [d for (d, _s), (meal_id, _scale) in p.locked.items() if meal_id == STAR]
    return sorted(days)


def test_a_meal_locked_inside_the_block_counts_toward_its_weekly_limit():
    # locked on day 1; once a week: no other day may hold it (day 3 is not next to the lock)
    p = problem(days=3, max_per_week=1, locked={(0, 2): (STAR, 1.0)})
    assert star_days(p) == [0]


def test_the_weekly_limit_holds_when_the_meal_may_only_go_on_days_apart():
    # the star may go on days 1, 3, 5 and 7 only (a swap avoided it elsewhere): no two are consecutive, so
    # "once a day, never on consecutive days" alone allows all four; twice a week allows two
    avoid = frozenset((d, 2, STAR) for d in (1, 3, 5))
    p = problem(max_per_week=2, avoid=avoid)
    assert len(star_days(p)) == 2
