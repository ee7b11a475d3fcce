"""The week search after the day-by-day pass (`planner/plan_search.py`): each day is solved again alone, with the
rest of the week fixed, and a new day is kept only when the week's objective drops. On plain problems built here
(no database), as in tests/test_optimizer.py."""

from __future__ import annotations

import pytest

from planner import plan_search
from planner.optimizer import plan_objective, solve_plan
from tests.test_optimizer import assert_hard_rules, make_meals, make_problem

PROBLEMS = {
    "plain": {},
    "other meals": {"meals": make_meals(seed=4), "seed": 3},
    "leftovers": {"leftovers": True, "seed": 1},
    "cooking limit": {"max_cooking_minutes": 45, "seed": 2},
}


@pytest.mark.parametrize("name", PROBLEMS)
def test_solving_each_day_again_never_makes_the_week_worse(monkeypatch, name):
    problem = make_problem(**PROBLEMS[name])
    with_days = solve_plan(problem)
    monkeypatch.setattr(plan_search, "DAY_SOLVES", 0)
    without = solve_plan(problem)
    assert_hard_rules(problem, with_days)
    assert plan_objective(problem, with_days) <= plan_objective(problem, without) + 1e-9


def test_solving_each_day_again_lowers_the_objective_of_a_week_solved_day_by_day(monkeypatch):
    lowered = []
    for name, extra in PROBLEMS.items():
        problem = make_problem(**extra)
        with_days = plan_objective(problem, solve_plan(problem))
        monkeypatch.setattr(plan_search, "DAY_SOLVES", 0)
        without = plan_objective(problem, solve_plan(problem))
        monkeypatch.undo()
        if with_days < without - 1e-6:
            lowered.append(name)
    assert lowered, "no week was improved by solving its days again"


def test_a_week_with_the_day_search_is_the_same_for_the_same_seed():
    problem = make_problem(leftovers=True, seed=5)
    first, second = solve_plan(problem), solve_plan(problem)
    assert first.meals == second.meals
