"""The meal-level plan optimiser: plain Python over plain data (no Django), solved with HiGHS via scipy.

For each day and slot it picks one meal and one portion scale. Hard: daily upper limits (goals with
`hard_maximum`), energy within the band, variety (same meal at most `max_per_week` times in any 7 days,
never on consecutive days, once a day), no alcohol, caffeine only in morning slots, a meal only in a slot
of its own kind. Soft (weighted, so a plan always comes back): each goal's minimum (relative shortfall x
weight), soft maxima, iron absorption (iron-rich options want vitamin C and no calcium-rich or caffeinated
neighbour), and variety spread across the week.

Why a rolling horizon: a whole-week MILP (~7,000 binaries) takes HiGHS ~14 s, and even one day over
every meal (~1,000) spends ~0.3-0.5 s in HiGHS's root node. So days are solved in order, each with the
week so far (and every lock) fixed, so the hard variety rules carry forward exactly; and each day's
MILP runs over the meals its LP relaxation picks (see `_solve_day`). Then `plan_search` looks at the week as a
whole: the weakest day is solved again jointly with one other day at a time, then each day alone over the options
its LP prices best (with leftovers, pairs of neighbouring days first), moves kept only when the week's objective
drops; and, in a plan without locks or links between days, whole days are reordered so that the days short of
vitamin D or B12 are spread over the week rather than all at its end. The model itself is in `plan_milp` (rows
in `plan_rows`, the HiGHS call in `plan_sparse`), its input and output types in `plan_types`. `relaxation_bound`
and `plan_objective` let the benchmark measure the price of that decomposition against the whole-week LP bound.

Status: "optimal" when every day is within MIP_REL_GAP of its bound; "feasible" when a plan came back
with a larger gap or with slots left out (see notes); "time_limit" when `time_limit` cut a day short;
"energy_relaxed" when some day could not keep the energy band; "infeasible" when some day could not
keep the upper limits (that day holds only locked meals).
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np

from .plan_milp import MIP_REL_GAP, RESTRICTED_EXTRA_MEALS, SEED_NOISE, Week, build_block, fixed_locks, top_groups
from .plan_search import improve_week, spread_days
from .plan_types import PlannedMeal, PlanProblem, PlanSolution

# A day whose restricted answer is further than this from its LP bound is widened (see `_solve_day`): the MILP over
# every meal at its root node took 0.3-1.2 s a day for the vegan profiles, scoring the LP's best options ~0.02 s.
WIDEN_GAP = 0.10
WIDE_NODES = 1
WIDE_TOP = 10  # widen by scoring every choice of the 10 options per slot the day's LP prices best (0: HiGHS, root node)
TIME_LIMIT = 1  # scipy.optimize.milp status: iteration or time limit reached


def _solve_day(week: Week, d: int, fixed: dict[int, list[int]], limit: float):
    """((block, result, LP bound, hard energy?), timed out?) for day d; the first part is None when no plan was found.

    "Timed out" means some solve stopped at the time limit: then a missing plan (or a relaxed energy band) says
    that time ran out, not that the hard rules cannot be kept.

    The day's LP relaxation (milliseconds) gives the bound and its support. The MILP then runs over the
    meals the LP uses plus the most nutrient-dense one per slot: a restricted master, ~5x faster than
    all of them. When it finds nothing, or misses the LP bound by more than WIDEN_GAP, the day is widened: every
    choice of the WIDE_TOP options per slot its LP prices best (and the restricted MILP's own) is scored
    (`_widen_by_enumeration`; with WIDE_TOP = 0, HiGHS's MILP over every meal, root node only, whose dual bound
    then tightens the day's bound).
    """
    started = time.perf_counter()
    ran_out = False
    for hard_energy in (True, False):
        full = build_block(week, [d], fixed, hard_energy=hard_energy, variety=True)
        if hard_energy and full.energy_blocked:
            continue
        lp = full.model.solve(limit, relax=True)
        if lp.x is None:
            ran_out |= lp.status == TIME_LIMIT
            continue
        used = lp.x[: len(full.meal)] > 1e-6
        allowed = {}
        for s in range(len(week.p.slots)):
            of_slot = full.slot == s
            dense = sorted(set(full.meal[of_slot].tolist()), key=lambda m: -week.density[m])[:RESTRICTED_EXTRA_MEALS]
            allowed[(d, s)] = set(full.meal[of_slot & used].tolist()) | set(dense)
        restricted = build_block(week, [d], fixed, hard_energy=hard_energy, variety=True, allowed=allowed)
        res = restricted.model.solve(limit)
        ran_out |= res.x is None and res.status == TIME_LIMIT
        if res.x is None or restricted.empty != full.empty:
            res = None
        elif _gap(res.fun, lp.fun) <= WIDEN_GAP or limit <= 0:  # past the plan's deadline: no widening
            return (restricted, res, lp.fun, hard_energy), ran_out or limit <= 0 or res.status == TIME_LIMIT
        if WIDE_TOP:
            wide = _widen_by_enumeration(full, restricted, res, limit - (time.perf_counter() - started))
            if wide is not None:
                return (full, wide, lp.fun, hard_energy), ran_out
            if res is not None:
                return (restricted, res, lp.fun, hard_energy), ran_out
            continue
        # a node limit (not a time cap) keeps the plan the same on a busy machine: same seed, same plan
        whole = full.model.solve(max(limit - (time.perf_counter() - started), 0.05), nodes=WIDE_NODES)
        bound = max(lp.fun, whole.mip_dual_bound if whole.mip_dual_bound is not None else -np.inf)
        ran_out |= whole.status == TIME_LIMIT and (whole.mip_node_count or 0) < WIDE_NODES
        if whole.x is not None and (res is None or whole.fun <= res.fun):
            return (full, whole, bound, hard_energy), ran_out
        if res is not None:
            return (restricted, res, bound, hard_energy), ran_out
    return None, ran_out


def _widen_by_enumeration(full, restricted, res, limit: float):
    """The day over every meal, cheaply: the best assignment (`SparseMilp.best_pick`, every one scored, no HiGHS)
    of the WIDE_TOP options per slot that the day's LP prices best plus the restricted MILP's own choice; a result
    (x, fun) when it is better than `res` (or `res` is None), else None."""
    lp = full.model.reduced_costs(max(limit, 0.05))
    if lp is None:
        return None
    key = list(zip(full.slot.tolist(), full.meal.tolist(), full.scale.tolist(), full.lag.tolist(), strict=True))
    index = {k: i for i, k in enumerate(key)}
    current = []
    if res is not None:
        for i in np.flatnonzero(res.x[: len(restricted.meal)] > 0.5):
            k = (int(restricted.slot[i]), int(restricted.meal[i]), int(restricted.scale[i]), int(restricted.lag[i]))
            if k not in index:
                return None
            current.append(index[k])
    ranked, keep = [], []
    for s in np.unique(full.slot):
        here = np.flatnonzero(full.slot == s)
        ranked.append(here[np.argsort(lp[2][here], kind="stable")])
        keep.append({i for i in current if full.slot[i] == s})
    groups = top_groups(ranked, keep, WIDE_TOP)
    pick = full.model.best_pick(groups)
    if pick is None or (res is not None and pick[0] >= res.fun - 1e-9):
        return None
    x = np.zeros(len(full.meal))
    x[pick[1]] = 1.0
    return SimpleNamespace(x=x, fun=pick[0], status=0)


def _gap(objective: float, bound: float) -> float:
    """Relative gap, with 1.0 (a goal of weight 1 missed for a whole day) as the smallest denominator so that
    tie-breaking terms of a near-perfect plan do not read as a large gap."""
    return max(0.0, objective - bound) / max(abs(objective), 1.0)


def solve_plan(problem: PlanProblem) -> PlanSolution:
    started = time.perf_counter()
    p = problem
    if p.days <= 0 or not p.slots:
        return PlanSolution("infeasible", (), 0.0, 0.0, {}, ("Nothing to plan: no days or no slots.",))
    week = Week(p)
    notes = list(week.notes)
    fixed = fixed_locks(week)
    chosen: dict[tuple[int, int], tuple[int, float]] = dict(week.locked)
    kept = set(week.locked)
    gaps, relaxed, infeasible, unsolved, timed_out, left_out = [0.0], [], [], [], False, []
    for d in range(p.days):
        limit = (p.time_limit - (time.perf_counter() - started)) / (p.days - d)
        result, day_timed_out = _solve_day(week, d, fixed, limit)
        timed_out |= day_timed_out
        if result is None:
            (unsolved if day_timed_out else infeasible).append(d)
            continue
        block, res, bound, hard_energy = result
        if not hard_energy:
            relaxed.append(d)
        gaps.append(_gap(res.fun, bound))
        left_out += block.empty
        picked = np.flatnonzero(res.x[: len(block.meal)] > 0.5)
        for i in picked:
            m, s, scale = int(block.meal[i]), int(block.slot[i]), float(p.scales[block.scale[i]])
            chosen[(d, s)] = (p.meals[m].id, scale)
            fixed.setdefault(d, []).append(m)
            # a leftover lunch or a same breakfast on a later day: a lock for that day from now on
            for later, later_slot, cooked in block.placements[i][1:]:
                link = {"same_as": (d, s)} if cooked else {"leftover_of": (d, s)}
                week.add_lock(later, later_slot, m, scale, **link)
                chosen[(later, later_slot)] = (p.meals[m].id, scale)
                fixed.setdefault(later, []).append(m)
    if not (relaxed or infeasible or unsolved):
        improve_week(p, chosen, week.leftover_of, kept, started + p.time_limit)
        if not (left_out or kept or week.leftover_of or week.same_as):
            chosen = spread_days(week, chosen)
    for d, s in left_out:
        kind = p.slots[s]
        if not len(week.candidates[s]):
            notes.append(f"Day {d + 1} {kind}: no {kind} meal fits this profile, so the slot is left out.")
        else:
            notes.append(f"Day {d + 1} {kind}: no {kind} meal fits the limits and variety rules, so it is left out.")
    if relaxed:
        days = ", ".join(str(d + 1) for d in relaxed)
        notes.append(f"Energy could not stay within ±{p.energy_tolerance:.0%} of the target on day(s) {days}.")
    if infeasible:
        days = ", ".join(str(d + 1) for d in infeasible)
        notes.append(f"No plan keeping the upper limits was found for day(s) {days}; those days hold only kept meals.")
    if timed_out:
        notes.append(
            f"Time: the planner reached its time limit ({p.time_limit:g} s), so this is the best plan it found in that "
            "time and may be further from your targets than usual; Regenerate to try again."
        )
    if unsolved:
        days = ", ".join(str(d + 1) for d in unsolved)
        notes.append(f"Day(s) {days}: time ran out before any meals were found; those days hold only kept meals.")
    meals = tuple(
        PlannedMeal(d, s, p.slots[s], meal_id, scale, week.leftover_of.get((d, s)), week.same_as.get((d, s)))
        for (d, s), (meal_id, scale) in sorted(chosen.items())
    )
    minutes = cooking_minutes(p, meals)
    if p.max_cooking_minutes is not None:
        over = [d for d, total in minutes.items() if p.is_weekday(d) and total > p.max_cooking_minutes + 1e-6]
        if over:
            days = ", ".join(str(d + 1) for d in over)
            notes.append(
                f"Cooking time: day(s) {days} take longer than {p.max_cooking_minutes:g} minutes; no plan within the "
                "limit kept the other rules."
            )
    status = (
        "infeasible"
        if infeasible
        else "energy_relaxed"
        if relaxed
        else "time_limit"
        if timed_out
        else "feasible"
        if left_out or max(gaps) > MIP_REL_GAP
        else "optimal"
    )
    return PlanSolution(
        status, meals, time.perf_counter() - started, max(gaps), _shortfalls(week, meals), tuple(notes), minutes
    )


def cooking_minutes(problem: PlanProblem, meals: tuple[PlannedMeal, ...]) -> dict[int, float]:
    """Prep + cook minutes per day: every meal cooked that day (a leftover portion takes none)."""
    by_id = {m.id: m for m in problem.meals}
    minutes = dict.fromkeys(range(problem.days), 0.0)
    for pm in meals:
        if pm.cooked and pm.meal_id in by_id:
            minutes[pm.day] += by_id[pm.meal_id].cooking_minutes
    return minutes


def cooking_sessions(meals: tuple[PlannedMeal, ...]) -> int:
    """Meals cooked (or made) in the plan: every planned meal but the second portions eaten as leftovers."""
    return sum(pm.cooked for pm in meals)


def day_totals(problem: PlanProblem, meals: tuple[PlannedMeal, ...]) -> dict[int, dict[str, float]]:
    """Nutrient totals per day of a plan (codes missing from a meal count as 0)."""
    by_id = {m.id: m for m in problem.meals}
    totals: dict[int, dict[str, float]] = {d: {} for d in range(problem.days)}
    for pm in meals:
        for code, amount in (by_id[pm.meal_id].nutrients if pm.meal_id in by_id else {}).items():
            totals[pm.day][code] = totals[pm.day].get(code, 0.0) + (amount or 0.0) * pm.scale
    return totals


def _shortfalls(week: Week, meals: tuple[PlannedMeal, ...]) -> dict[tuple[int, str], float]:
    totals, out = day_totals(week.p, meals), {}
    for d in range(week.p.days):
        for g in week.p.goals:
            if g.minimum is not None and totals[d].get(g.code, 0.0) < g.minimum - 1e-6:
                out[(d, g.code)] = g.minimum - totals[d].get(g.code, 0.0)
    return out


def relaxation_bound(problem: PlanProblem, time_limit: float = 60.0) -> float | None:
    """The whole-week LP-relaxation bound of the objective (no variety spread term); None if infeasible."""
    week = Week(problem)
    block = build_block(week, list(range(problem.days)), fixed_locks(week), hard_energy=True, variety=False)
    res = block.model.solve(time_limit, relax=True)
    return float(res.fun) if res.x is not None else None


def proven_bound(problem: PlanProblem, nodes: int = 1, time_limit: float = 60.0) -> float | None:
    """A lower bound on the whole week's objective for this problem with any seed: the dual bound of the whole-week
    MILP after `nodes` branch-and-bound nodes (the root node's cuts already close much of the LP's gap when a
    nutrient comes from few meals), less the most seeded noise a plan can carry (SEED_NOISE per meal), since
    another seed's noise may be lower. None if no bound was found."""
    week = Week(problem)
    block = build_block(week, list(range(problem.days)), fixed_locks(week), hard_energy=True, variety=False)
    res = block.model.solve(time_limit, nodes=nodes)
    bound = getattr(res, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        return None
    return float(bound) - SEED_NOISE * problem.days * len(problem.slots)


def plan_objective(problem: PlanProblem, solution: PlanSolution, time_limit: float = 60.0) -> float | None:
    """The whole-week objective of a returned plan, comparable with `relaxation_bound`."""
    week = Week(problem)
    block = build_block(week, list(range(problem.days)), fixed_locks(week), hard_energy=True, variety=False)
    lag = {pm.leftover_of: pm.day - pm.leftover_of[0] for pm in solution.meals if pm.leftover_of}
    picked = {
        (pm.day, pm.slot_index, pm.meal_id, pm.scale, lag.get((pm.day, pm.slot_index), 0))
        for pm in solution.meals
        if pm.cooked and pm.same_as is None and (pm.day, pm.slot_index) not in problem.locked
    }
    fix = np.array(
        [
            float((int(d), int(s), problem.meals[m].id, problem.scales[k], int(t)) in picked)
            for d, s, m, k, t in zip(block.day, block.slot, block.meal, block.scale, block.lag, strict=True)
        ]
    )
    res = block.model.solve(time_limit, relax=True, fix=fix)
    return float(res.fun) if res.x is not None else None
