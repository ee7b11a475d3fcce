"""`SparseMilp.best_pick` (planner/plan_sparse.py): the single-day re-solves and the day pass's widening score every
choice of a few options per slot in numpy instead of calling HiGHS, so its answer must be HiGHS's own: the price of a
choice equals the model's LP with those options fixed, and the best choice equals the MILP restricted to them."""

from __future__ import annotations

import numpy as np
import pytest

from planner.plan_milp import Week, build_block, fixed_locks
from tests.test_optimizer import make_meals, make_problem

CASES = {
    "plain": {},
    "other meals": {"meals": make_meals(seed=4), "seed": 3},
    "leftovers": {"leftovers": True, "seed": 1},
    "cooking limit": {"max_cooking_minutes": 45, "seed": 2},
}


def day_model(day: int = 2, **kwargs):
    week = Week(make_problem(**kwargs))
    return build_block(week, [day], fixed_locks(week), hard_energy=True, variety=True)


def groups_of(block, per_slot: int, offset: int = 0) -> list[np.ndarray]:
    """Some options of each slot: every third one from `offset`, at most `per_slot`."""
    return [np.flatnonzero(block.slot == s)[offset::3][:per_slot] for s in np.unique(block.slot)]


@pytest.mark.parametrize("name", CASES)
def test_the_best_pick_is_the_optimum_of_the_milp_over_those_options(name):
    block = day_model(**CASES[name])
    groups = groups_of(block, per_slot=6)
    only = np.zeros(len(block.meal), dtype=bool)
    only[np.concatenate(groups)] = True
    milp = block.model.solve(60, gap=0.0, only=only)
    best = block.model.best_pick(groups)
    assert milp.x is not None and best is not None
    assert best[0] == pytest.approx(milp.fun, abs=1e-9)
    fix = np.zeros(len(block.meal))
    fix[best[1]] = 1.0  # and the pick is a plan of that price: one option per slot, every row kept
    assert block.model.solve(60, relax=True, fix=fix).fun == pytest.approx(best[0], abs=1e-9)


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_the_price_of_a_pick_is_the_lp_with_those_options_fixed(offset):
    block = day_model(**CASES["cooking limit"])
    groups = groups_of(block, per_slot=1, offset=offset)
    picked = block.model.best_pick(groups)
    fix = np.zeros(len(block.meal))
    fix[np.concatenate(groups)] = 1.0
    lp = block.model.solve(60, relax=True, fix=fix)
    if lp.x is None:  # those options break a hard row: no pick either
        assert picked is None
    else:
        assert picked is not None and picked[0] == pytest.approx(lp.fun, abs=1e-9)


@pytest.mark.parametrize("name", CASES)
def test_local_moves_end_where_no_single_slot_change_helps(name):
    """A day's enumeration is followed by moves of one slot to any of its options and of two slots among their best
    (`plan_search._local_moves`): the result is a plan of its price, no worse than the start, and HiGHS finds no
    better plan changing any one slot alone."""
    from planner.plan_search import _local_moves

    block = day_model(**CASES[name])
    inside = np.array([all(d == 2 for d, _s, _c in placed) for placed in block.placements])  # as the search does
    options = [np.flatnonzero((block.slot == s) & inside) for s in np.unique(block.slot)]
    start = block.model.best_pick([g[::7][:3] for g in options])
    assert start is not None
    rng = np.random.default_rng(0)
    priced = [rng.permutation(g) for g in options]  # any order: the pair moves take the first PAIR_TOP of each
    obj, cols = _local_moves(block.model, start, priced)
    assert obj <= start[0] + 1e-12
    fix = np.zeros(len(block.meal))
    fix[cols] = 1.0
    assert len(cols) == len(options) and block.model.solve(60, relax=True, fix=fix).fun == pytest.approx(obj, abs=1e-9)
    for g, col in zip(options, cols, strict=True):
        only = np.zeros(len(block.meal), dtype=bool)
        only[cols] = True
        only[g] = True  # this slot free over all its options, the others as picked
        assert block.model.solve(60, gap=0.0, only=only).fun >= obj - 1e-9
        assert col in g
