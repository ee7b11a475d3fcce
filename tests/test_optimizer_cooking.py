"""Cooking the plan in the optimiser (no database): leftovers, the same breakfast, a weekday cooking-time limit."""

from __future__ import annotations

import dataclasses

from planner.optimizer import cooking_minutes, cooking_sessions, day_totals, solve_plan
from tests.test_optimizer import assert_hard_rules, make_meals, make_problem


def with_minutes(meals, dinner_minutes=(20, 70)):
    """Breakfasts 5 min, snacks none, lunches 15, dinners alternately quick and slow."""
    out = []
    for i, m in enumerate(meals):
        minutes = {"breakfast": 5, "snack": 0, "lunch": 15, "dinner": dinner_minutes[i % 2]}[m.slot]
        out.append(dataclasses.replace(m, prep_minutes=minutes / 2, cook_minutes=minutes / 2))
    return tuple(out)


def test_a_leftover_is_the_dinner_cooked_for_two_eaten_at_a_later_lunch():
    problem = make_problem(leftovers=True)
    solution = solve_plan(problem)
    assert_hard_rules(problem, solution)
    planned = {(pm.day, pm.slot_index): pm for pm in solution.meals}
    leftovers = [pm for pm in solution.meals if pm.leftover_of]
    assert leftovers, "no dinner was cooked for two"
    for pm in leftovers:
        dinner = planned[pm.leftover_of]
        assert dinner.slot == "dinner" and pm.slot == "lunch"
        assert (pm.meal_id, pm.scale) == (dinner.meal_id, dinner.scale)  # the second portion equals the first
        assert 1 <= pm.day - dinner.day <= max(problem.leftover_lags)  # eaten within its window
    # the leftover's nutrients count on the day it is eaten
    by_id = {m.id: m for m in problem.meals}
    totals = day_totals(problem, solution.meals)
    day = leftovers[0].day
    eaten = sum(by_id[pm.meal_id].nutrients["iron_mg"] * pm.scale for pm in solution.meals if pm.day == day)
    assert totals[day]["iron_mg"] == eaten


def test_leftovers_save_at_least_three_cooking_sessions_a_week():
    plain = solve_plan(make_problem())
    cooked_once = solve_plan(make_problem(leftovers=True))
    assert cooking_sessions(plain.meals) == len(plain.meals)
    assert cooking_sessions(cooked_once.meals) <= cooking_sessions(plain.meals) - 3


def test_no_leftovers_unless_asked():
    solution = solve_plan(make_problem())
    assert not any(pm.leftover_of for pm in solution.meals)


def test_the_same_breakfast_every_weekday():
    problem = make_problem(days=7, same_breakfast=True)
    solution = solve_plan(problem)
    assert_hard_rules(problem, solution)
    breakfasts = [(pm.meal_id, pm.scale) for pm in solution.meals if pm.slot == "breakfast"]
    assert len(set(breakfasts[:5])) == 1  # Monday to Friday
    assert all(pm.same_as == (0, 0) for pm in solution.meals if pm.slot == "breakfast" and 1 <= pm.day <= 4)
    # without the option the variety rules forbid it
    plain = solve_plan(make_problem(days=7))
    assert len({(pm.meal_id, pm.scale) for pm in plain.meals if pm.slot == "breakfast" and pm.day < 5}) > 1


def test_weekday_cooking_time_stays_within_the_limit():
    meals = with_minutes(make_meals())
    unlimited = solve_plan(make_problem(meals=meals))
    assert max(unlimited.cooking_minutes[d] for d in range(5)) > 45  # the limit has something to do
    problem = make_problem(meals=meals, max_cooking_minutes=45)
    solution = solve_plan(problem)
    assert_hard_rules(problem, solution)
    assert solution.cooking_minutes == cooking_minutes(problem, solution.meals)
    for d in range(5):
        assert solution.cooking_minutes[d] <= 45
    assert not any("Cooking time" in note for note in solution.notes)


def test_a_leftover_lunch_takes_no_cooking_time():
    meals = with_minutes(make_meals(), dinner_minutes=(40, 40))
    problem = make_problem(meals=meals, leftovers=True)
    solution = solve_plan(problem)
    assert_hard_rules(problem, solution)
    for d in range(problem.days):
        cooked = [pm for pm in solution.meals if pm.day == d and pm.cooked]
        expected = sum({"breakfast": 5, "snack": 0, "lunch": 15, "dinner": 40}[pm.slot] for pm in cooked)
        assert solution.cooking_minutes[d] == expected
