"""The week as a whole: a large-neighbourhood search over pairs of days and single days, after the day-by-day pass.

The rolling horizon (`optimizer.solve_plan`) solves each day with the earlier days fixed, so it can spend a
scarce meal early (a vegan's few vitamin D or B12 meals, each allowed at most `max_per_week` times and never on
consecutive days) and leave a late day short. Here the plan's weakest day (largest weighted shortfall) is solved
again jointly with one other day, every other meal kept: a MILP over two days, with the same objective and rules
as the whole week (so an accepted move lowers the week's objective by exactly what it lowers the pair's). A move
is kept only when it is strictly better. Each pair's MILP runs over the meals the pair's LP relaxation uses, plus
the current ones and the most nutrient-dense per slot, with a node limit (not a time cap) so that the same seed
gives the same plan on a busy machine.

Then each day is solved again alone (most costly first; a second round for the days moved and their neighbours):
the day-by-day pass stops within an absolute 0.01 of each day's bound, while a day's whole cost is ~1e-3 of portion
and tie-breaking terms, so most of the week's gap to its LP bound is there. That day is solved exactly over the
options its LP prices best (smallest reduced cost, DAY_TOP per slot, with the best ones that are not iron-rich and
no iron inhibitor among them, CLEAN_OPTIONS each) and the current ones: every choice of one option per slot is
priced from the model's own rows in numpy (`SparseMilp.best_pick`, ~40,000 choices at most, no HiGHS), which is
both faster than HiGHS's root node over the same options and exact. From that best choice, local moves follow
(`_local_moves`): one slot to any of its options, two slots to any pair of their PAIR_TOP best-priced ones, while
a move helps. The LP's price ranks a meal at its usual portion far above the same meal at 1.25x, so the day's best
often lies outside the DAY_TOP options (ranks 20-60 in the days looked at), one or two slots away from their best.
The pair MILPs run with HiGHS's objective bound set just below the current cost so that it looks only for better
plans and prunes by that from the start. Pairs of neighbouring days can be polished before the day solves
(POLISH_SOLVES).

What stays fixed in a move: every other day; kept (locked) meals; a leftover lunch whose dinner is outside the
pair and a dinner whose leftover is outside it; with "the same breakfast", every breakfast.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import numpy as np

from .plan_milp import (
    MIP_REL_GAP,
    PORTION_PENALTY,
    RESTRICTED_EXTRA_MEALS,
    Week,
    build_block,
    fixed_locks,
    top_groups,
)
from .plan_types import PlanProblem

LNS_MAX_SOLVES = 4  # pair MILPs with the weakest day, at most
LNS_NODES = 20  # branch-and-bound nodes per such pair
POLISH_SOLVES = 0  # pairs of neighbouring days, (0, 1), (2, 3), ..., before the day solves (each ~0.3 s)
# with leftovers, two: a pair is the only move that can place a new leftover (a dinner and the next day's lunch),
# and without them fewer second portions were eaten (2 fewer cooking sessions, not 3, in one benchmark profile)
LEFTOVER_POLISH_SOLVES = 2
POLISH_NODES = 1  # root node only (cuts and heuristics): ~0.1-0.3 s each
POLISH_GAP = 1e-3  # relative and absolute; the day pass stops within MIP_REL_GAP (0.01) of each day's bound
MIN_DAY_COST = 1e-3  # a day costing less than this is as good as it gets
IMPROVEMENT = 1e-6
LIGHT_PAIRS = True  # HiGHS without sub-MIPs and strong branching on the two-day MILPs (`SparseMilp.solve`)
DAY_SOLVES = 14  # single-day solves in all, most costly days first
DAY_ROUNDS = 2  # the second round: the days moved in the first and their neighbours
DAY_TOP = 10  # options per slot a day's enumeration tries beside the current ones: those its LP prices best
DAY_MIN_GAIN = 2e-4  # a day whose LP bound is within this of its current cost is not solved again


def day_costs(week: Week, chosen: dict) -> np.ndarray:
    """Each day's weighted relative shortfall below the goals' minima (and excess over soft maxima)."""
    p = week.p
    totals = np.zeros((p.days, len(week.codes)))
    for (d, _s), (meal_id, scale) in chosen.items():
        i = week.index.get(meal_id)
        if i is not None:
            totals[d] += week.N[i] * scale
    cost = np.zeros(p.days)
    for g in p.goals:
        have = totals[:, week.col[g.code]]
        if g.minimum:
            cost += g.weight * np.clip(1.0 - have / g.minimum, 0.0, 1.0)
        if g.maximum and not g.hard_maximum:
            cost += g.weight * np.maximum(have / g.maximum - 1.0, 0.0)
    return cost


def improve_week(
    p: PlanProblem,
    chosen: dict,
    leftover_of: dict,
    kept: set,
    deadline: float,
) -> int:
    """Improve `chosen` ((day, slot) -> (meal id, scale)) and `leftover_of` in place; returns the moves kept.

    `kept` holds the (day, slot) keys that must not change (the caller's locks). The weakest-day pairs stop after
    LNS_MAX_SOLVES solves or when no pair helps; then POLISH_SOLVES pairs (LEFTOVER_POLISH_SOLVES with leftovers)
    and up to DAY_SOLVES single days, last, so a day solve never undoes a later move; every
    stage stops at `deadline` (perf_counter seconds).
    """
    if p.days < 2:
        return 0
    accepted = _weakest_day_pairs(p, chosen, leftover_of, kept, deadline)
    pairs = [(d, d + 1) for d in range(0, p.days - 1, 2)]
    if p.days % 2:
        pairs.append((p.days - 2, p.days - 1))
    for pair in pairs[: LEFTOVER_POLISH_SOLVES if p.leftovers else POLISH_SOLVES]:
        if time.perf_counter() > deadline:
            break
        accepted += _resolve(p, chosen, leftover_of, kept, list(pair), deadline, POLISH_GAP, POLISH_NODES)
    week = Week(p)
    todo, solves = set(range(p.days)), 0
    for _round in range(DAY_ROUNDS):
        excess = day_costs(week, chosen)
        for (d, _s), (_meal_id, scale) in chosen.items():
            excess[d] += PORTION_PENALTY * abs(scale - 1.0)
        moved = set()
        for d in sorted(todo, key=lambda d: (-excess[d], d)):
            if solves >= DAY_SOLVES or time.perf_counter() > deadline:
                break
            solves += 1
            if _resolve(p, chosen, leftover_of, kept, [d], deadline, top=DAY_TOP, min_gain=DAY_MIN_GAIN):
                accepted += 1
                moved.add(d)
        todo = {e for d in moved for e in (d - 1, d, d + 1) if 0 <= e < p.days}
    return accepted


def _weakest_day_pairs(p: PlanProblem, chosen: dict, leftover_of: dict, kept: set, deadline: float) -> int:
    week = Week(p)
    solves, accepted, tried = 0, 0, set()
    while solves < LNS_MAX_SOLVES:
        costs = day_costs(week, chosen)
        order = sorted(range(p.days), key=lambda d: (-costs[d], d))
        worst = order[0]
        if costs[worst] < MIN_DAY_COST:
            break
        partners = [d for d in reversed(order) if d != worst and (min(worst, d), max(worst, d)) not in tried]
        if not partners:
            break
        moved = False
        for other in partners:
            if solves >= LNS_MAX_SOLVES or time.perf_counter() > deadline:
                return accepted
            pair = (min(worst, other), max(worst, other))
            tried.add(pair)
            solves += 1
            if _resolve(p, chosen, leftover_of, kept, list(pair), deadline):
                accepted += 1
                tried = {pair}
                moved = True
                break
        if not moved:
            break
    return accepted


def _pinned(p: PlanProblem, key, block: set, kept: set, leftover_of: dict, breakfast) -> bool:
    d, s = key
    if d not in block or key in kept or (p.same_breakfast and s == breakfast):
        return True
    source = leftover_of.get(key)
    if source is not None and source[0] not in block:
        return True
    return any(cooked_at == key and later[0] not in block for later, cooked_at in leftover_of.items())


def _resolve(
    p: PlanProblem,
    chosen: dict,
    leftover_of: dict,
    kept: set,
    block: list[int],
    deadline: float,
    gap: float = MIP_REL_GAP,
    nodes: int = LNS_NODES,
    top: int | None = None,
    min_gain: float = IMPROVEMENT,
) -> bool:
    """Solve the days in `block` again with everything else fixed; apply and return True when strictly better."""
    breakfast = p.slots.index("breakfast") if "breakfast" in p.slots else None
    bset = set(block)
    pinned = {k for k in chosen if _pinned(p, k, bset, kept, leftover_of, breakfast)}
    for later, cooked_at in leftover_of.items():  # a dinner and its leftover lunch move together or not at all
        if (later in pinned) != (cooked_at in pinned):
            pinned |= {later, cooked_at}
    locked = {k: v for k, v in chosen.items() if k in pinned}
    free = {k: v for k, v in chosen.items() if k not in pinned}
    if not free:
        return False
    links = {k: v for k, v in leftover_of.items() if k in locked and v in locked}
    week = Week(replace(p, locked=locked, locked_leftovers=links))
    fixed = fixed_locks(week)
    full = build_block(week, block, fixed, hard_energy=True, variety=False)
    n = len(full.meal)
    # the current choice as the block's option vector (a dinner with its leftover lunch inside the pair is one option)
    lag = {cooked_at: later[0] - cooked_at[0] for later, cooked_at in leftover_of.items() if later in free}
    current = {
        (d, s, meal_id, scale, lag.get((d, s), 0))
        for (d, s), (meal_id, scale) in free.items()
        if (d, s) not in leftover_of
    }
    fix = np.array(
        [
            float((int(d), int(s), p.meals[m].id, p.scales[k], int(t)) in current)
            for d, s, m, k, t in zip(full.day, full.slot, full.meal, full.scale, full.lag, strict=True)
        ]
    )
    if int(fix.sum()) != len(current):
        return False
    remaining = max(deadline - time.perf_counter(), 0.05)
    if top is not None:
        return _resolve_by_enumeration(p, week, chosen, leftover_of, free, full, fix, block, remaining, top, min_gain)
    now = full.model.solve(remaining, relax=True, fix=fix)
    if now.x is None:
        return False
    cutoff = now.fun - IMPROVEMENT  # HiGHS looks only for strictly better plans (and prunes by it from the start)
    lp = full.model.solve(remaining, relax=True)
    if lp.x is None or lp.fun >= now.fun - min_gain:
        return False
    used = lp.x[:n] > 1e-6
    allowed = {}
    for d in block:
        for s in range(len(p.slots)):
            here = (full.day == d) & (full.slot == s)
            dense = sorted(set(full.meal[here].tolist()), key=lambda m: -week.density[m])[:RESTRICTED_EXTRA_MEALS]
            allowed[(d, s)] = set(full.meal[here & (used | (fix > 0.5))].tolist()) | set(dense)
    restricted = build_block(week, block, fixed, hard_energy=True, variety=False, allowed=allowed)
    res = restricted.model.solve(
        max(deadline - time.perf_counter(), 0.05), nodes=nodes, gap=gap, cutoff=cutoff, light=LIGHT_PAIRS
    )
    if res.x is None or restricted.empty != full.empty or res.fun >= now.fun - IMPROVEMENT:
        return False
    picked = np.flatnonzero(res.x[: len(restricted.meal)] > 0.5)
    if any(pd not in bset for i in picked for pd, _s, _c in restricted.placements[i]):
        return False
    _apply(p, chosen, leftover_of, free, restricted, picked)
    return True


def _resolve_by_enumeration(p, week, chosen, leftover_of, free, full, fix, block, time_limit, top, min_gain) -> bool:
    """One day solved again exactly over the `top` options per slot its LP prices best and the current ones: every
    assignment is scored (`SparseMilp.best_pick`, no HiGHS), the best kept when the week's objective drops."""
    current = np.flatnonzero(fix > 0.5)
    inside = np.array([all(pd in block for pd, _s, _c in pl) for pl in full.placements], dtype=bool)
    now = full.model.best_pick([np.array([i]) for i in current])
    if now is None:
        return False
    lp = full.model.reduced_costs(time_limit)
    if lp is None or lp[0] >= now[0] - min_gain:
        return False
    ranked, keep, priced = [], [], []
    rich = week.iron_rich(week.option_amounts(full.meal, full.scale))
    inhibitor = week.inhibitor[full.meal]
    for d in block:
        for s in range(len(p.slots)):
            here = np.flatnonzero((full.day == d) & (full.slot == s) & inside)
            if len(here):
                order = here[np.argsort(lp[2][here], kind="stable")]
                priced.append(order)
                ranked.append(_with_clean(order, rich, inhibitor, top))
                keep.append(set(current[np.isin(current, here)].tolist()))
    groups = top_groups(ranked, keep, top)
    if not groups:
        return False
    res = full.model.best_pick(groups)
    if res is not None and LOCAL_MOVES:
        res = _local_moves(full.model, res, priced)
    if res is None or res[0] >= now[0] - IMPROVEMENT:
        return False
    _apply(p, chosen, leftover_of, free, full, res[1])
    return True


def _local_moves(model, best, priced: list[np.ndarray]):
    """From `best` ((objective, one column per group) of `SparseMilp.best_pick`), move one group to any of its
    columns, or two groups to any pair of their PAIR_TOP best-priced ones (`priced`: each group's columns, best
    first), as long as a move lowers the objective: the enumeration's options are the LP's best-priced ones, and a
    day's best often takes one of them at another portion, priced far down the list."""
    obj, cols = best[0], [int(c) for c in best[1]]
    for _sweep in range(LOCAL_SWEEPS):
        moved = False
        moves = [(a,) for a in range(len(cols))] + list(itertools.combinations(range(len(cols)), 2))
        for move in moves:
            groups = [np.array([c]) for c in cols]
            for a in move:
                options = priced[a] if len(move) == 1 else priced[a][:PAIR_TOP]
                groups[a] = np.union1d(options, [cols[a]])
            res = model.best_pick(groups)
            if res is not None and res[0] < obj - IMPROVEMENT:
                obj, cols, moved = res[0], [int(c) for c in res[1]], True
        if not moved:
            break
    return obj, np.array(cols, dtype=int)


LOCAL_MOVES = True  # after a day's enumeration, moves of one or two slots (`_local_moves`)
LOCAL_SWEEPS = 3  # passes over every one- and two-slot move, at most
PAIR_TOP = 60  # options per slot a two-slot move tries: those the day's LP prices best

CLEAN_OPTIONS = 4  # per slot, among a day's first DAY_TOP options: the best not iron-rich, the best no inhibitor


def _with_clean(ranked: np.ndarray, rich: np.ndarray, inhibitor: np.ndarray, top: int) -> np.ndarray:
    """`ranked` with the CLEAN_OPTIONS best options that are not iron-rich and the best that are no iron inhibitor
    moved up among its first `top`: the LP prices an iron-rich meal beside a calcium-rich one at no penalty (it
    takes half of each), so its best options alone often cannot undo that pair in a day."""
    if not CLEAN_OPTIONS:
        return ranked
    lead = ranked[: max(top - 2 * CLEAN_OPTIONS, 1)]
    extra = [*ranked[~rich[ranked]][:CLEAN_OPTIONS], *ranked[~inhibitor[ranked]][:CLEAN_OPTIONS]]
    first = list(dict.fromkeys([*lead.tolist(), *[int(i) for i in extra]]))
    return np.array(first + [int(i) for i in ranked if int(i) not in set(first)], dtype=int)


def _apply(p, chosen, leftover_of, free, restricted, picked) -> None:
    """Replace the free (day, slot)s of `chosen` with the options `picked` of the block `restricted`."""
    for k in free:
        del chosen[k]
        leftover_of.pop(k, None)
    for i in picked:
        m, s, scale = int(restricted.meal[i]), int(restricted.slot[i]), float(p.scales[restricted.scale[i]])
        d = int(restricted.day[i])
        chosen[(d, s)] = (p.meals[m].id, scale)
        for later, later_slot, _cooked in restricted.placements[i][1:]:
            chosen[(later, later_slot)] = (p.meals[m].id, scale)
            leftover_of[(later, later_slot)] = (d, s)


# Vitamin D and B12 come from few meals in a vegan week (UV-exposed mushrooms, fortified milks): when they cannot
# cover every day, the days that fall short should not all come at the end of the week.
SCARCE = ("vitamin_d_ug", "vitamin_b12_ug")
SPREAD_MAX_DAYS = 7  # 7! orders at most; longer plans keep their order (and their 7-day variety windows)


def spread_days(week: Week, chosen: dict) -> dict:
    """`chosen` with whole days reordered so that the days meeting each SCARCE goal are spread evenly over the plan.

    Every day keeps its meals, so the week's objective, totals and met nutrient-days are unchanged (but for the
    seeded tie-breaking noise); an order is allowed only if no meal falls on consecutive days, no `avoid` entry is
    hit and, with a weekday cooking limit, no weekday goes over it. Among the allowed orders the one with the
    smallest score wins, the first in lexicographic order (from the day-by-day order) on a tie; the caller passes
    only plans without locks, leftovers or a same breakfast, whose links depend on the days' order.
    """
    p = week.p
    if not 3 <= p.days <= SPREAD_MAX_DAYS:
        return chosen
    totals = np.zeros((p.days, len(week.codes)))
    meals_on = [set() for _ in range(p.days)]
    for (d, _s), (meal_id, scale) in chosen.items():
        meals_on[d].add(meal_id)
        if meal_id in week.index:
            totals[d] += week.N[week.index[meal_id]] * scale
    met = []
    for g in p.goals:
        if g.code in SCARCE and g.minimum:
            flags = totals[:, week.col[g.code]] >= g.minimum * (1 - 1e-9)
            if 0 < flags.sum() < p.days:
                met.append(flags)
    if not met:
        return chosen
    minutes = np.zeros(p.days)
    for (d, _s), (meal_id, _scale) in chosen.items():
        if meal_id in week.index:
            minutes[d] += week.minutes[week.index[meal_id]]
    limit = p.max_cooking_minutes

    def allowed(order) -> bool:
        order = [int(d) for d in order]
        for k, d in enumerate(order):
            if k and meals_on[order[k - 1]] & meals_on[d]:
                return False
            if limit is not None and p.is_weekday(k) and minutes[d] > limit + 1e-6 >= minutes[k]:
                return False
        slots = range(len(p.slots))
        moved = ((k, s, chosen[(d, s)][0]) for k, d in enumerate(order) for s in slots if (d, s) in chosen)
        return not any(key in p.avoid for key in moved)

    orders = np.array(list(itertools.permutations(range(p.days))))  # the first is the day-by-day order
    score = np.zeros(len(orders))
    for flags in met:
        share = flags.sum() / p.days
        score += np.abs(np.cumsum(flags[orders], axis=1) - share * np.arange(1, p.days + 1)).sum(axis=1)
    score = np.round(score, 9)
    best = orders[0]
    for i in np.argsort(score, kind="stable"):
        if score[i] >= score[0]:
            break
        if allowed(orders[i]):
            best = orders[i]
            break
    best = [int(d) for d in best]
    return {(k, s): chosen[(d, s)] for k, d in enumerate(best) for s in range(len(p.slots)) if (d, s) in chosen}
