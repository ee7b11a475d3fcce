"""Lower bounds on the whole week's best objective, stronger than the LP relaxation (plain Python, no Django).

The whole-week LP bound (`optimizer.relaxation_bound`) is weak where a nutrient comes from few meals: each of a
vegan's three vitamin D meals may be eaten at most twice a week and never on consecutive days, so in a real plan
they cover at most six of seven days, while the LP spreads a fraction of each over every day.

`disjunctive_bound` proves what that costs, in two steps, each a valid lower bound on every plan's objective.

1. A disjunction. For a goal and a set S of the meals the LP leans on for it, a tiny MILP over the whole-week
   model's own rows that hold S's options alone (once a day, never on consecutive days, at most `max_per_week` in a
   week, a leftover counting with its dinner) gives the most days S can reach in any plan. When that is k fewer than
   the days, every plan leaves some k days without S, so every plan is feasible in one of the branches "S is off
   these k days", and the least of the branches' bounds is a bound on every plan.
2. A bound for each branch: the larger of its LP relaxation and a split bound. The split keeps the branch's
   free days as a MILP of their own (solved to optimality by HiGHS, or its dual bound) and the other days as an LP,
   dropping only the rows that join the two (variety between a free day and its neighbours and across the week):
   dropping rows can only lower the optimum and the objective is a sum over the two parts, so the sum of the two
   optima is a bound on the branch. This is what sees that a free day's integer portions cannot reach what the
   LP's fractions of many fortified foods reach.

`lagrangian_bound` is stronger and slower (see its docstring): the rows joining days go into the objective with
multipliers, each day is a MILP of its own, so no meal can be spread as fractions over the week at all.

The disjunctive bound is the largest over the disjunctions tried (and, with `depth` 2, over pairs of them taken
together: a plan is in one branch of each), and never below the LP bound. Nothing here is estimated: the sets S and
the goals only steer which valid disjunctions are tried; the proof holds whatever they are. The model is
`plan_milp.build_block` over every day, exactly the one `relaxation_bound`, `proven_bound` and `plan_objective` use
(no variety-spread term, the energy band hard), with this problem's seeded noise.
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .plan_milp import Week, build_block, fixed_locks
from .plan_types import PlanProblem

MAX_BRANCHES = 35  # LPs per disjunction: every choice of k free days among 7 is at most C(7, 3) = 35
MAX_SET = 6  # meals in a set S at most
REFINE = 2  # disjunctions whose branches also get the split bound (the best by their LP branches)
SPLIT_NODES = 200  # branch-and-bound nodes for a split's MILP over the free days
USED = 1e-6  # an LP value above this counts as used
LAGRANGE_ITERATIONS = 20  # column-generation rounds (each: one MILP a day, then the master LP)
LAGRANGE_NODES = 500  # branch-and-bound nodes for each day's MILP (its dual bound is used, so a limit stays valid)
LAGRANGE_GAP = 1e-3  # stop when the master LP is this close (relative, least denominator 1) to the best bound
MASTER_PENALTY = 50.0  # per unit a master column set breaks a joining row by (keeps the master feasible)
NEGLIGIBLE = 0.01  # a branch within this (relative, least denominator 1) of the LP bound: its disjunction is dropped
SPLIT_DAYS = 2  # the split bound for branches with at most this many free days (a MILP over more is slow)
INFEASIBLE, OPTIMAL = 2, 0  # scipy.optimize.milp statuses


@dataclass
class Disjunction:
    """One disjunction tried: the goal that suggested it, the meals of S, the most days S can reach, the days some
    plan must leave without it, and the bound it proved (LP branches, then with the split bound when refined)."""

    code: str
    meals: tuple[str, ...]
    reach: int
    free_days: int
    branches: list = field(default_factory=list, repr=False)  # per branch: option variables held at 0
    lp_bound: float | None = None
    split_bound: float | None = None


@dataclass
class BoundReport:
    lp: float | None  # the whole-week LP-relaxation bound
    bound: float | None  # the disjunctive bound: >= lp, a lower bound on every plan's objective
    seconds: float = 0.0
    tried: list[Disjunction] = field(default_factory=list)
    how: str = "LP"  # what proved `bound`


class _Model:
    """A built `SparseMilp` as arrays once, to solve many times with some option variables held at 0."""

    def __init__(self, model, option_day: np.ndarray):
        self.c = np.concatenate(model.cost)
        self.integrality = np.concatenate(model.integer)
        self.ub = np.concatenate(model.upper)
        self.lo, self.hi = np.array(model.lo, dtype=float), np.array(model.hi, dtype=float)
        self.row_cols = model.cols
        self.A = sparse.csr_array(
            (np.concatenate(model.vals), (np.concatenate(model.rows), np.concatenate(model.cols))),
            shape=(len(model.lo), model.n),
        )
        # a day for every variable: an option's day, a slack variable's first row's option day (any assignment keeps
        # the split bound valid; this one keeps each day's goal rows whole)
        self.day = np.full(model.n, -1)
        self.day[: len(option_day)] = option_day
        coo = self.A.tocoo()
        row_day = np.full(len(self.lo), -1)
        opt = coo.col < len(option_day)
        row_day[coo.row[opt]] = option_day[coo.col[opt]]
        for r, col in sorted(zip(coo.row.tolist(), coo.col.tolist(), strict=True)):
            if self.day[col] < 0 and row_day[r] >= 0:
                self.day[col] = row_day[r]
        self.pattern = (self.A != 0).astype(float)
        self.nnz = np.asarray(self.pattern.sum(axis=1)).ravel()

    def _solve(self, cols: np.ndarray, rows: np.ndarray, ub: np.ndarray, integer: bool, time_limit: float):
        """(value, x) of the model over variables `cols` and rows `rows`: the LP optimum, or the MILP's dual bound
        (its optimum when solved); +inf when infeasible, None when nothing was proven."""
        if not len(cols):
            return 0.0, np.zeros(0)
        options = {"time_limit": time_limit, "mip_rel_gap": 0.0, "mip_abs_gap": 0.0, "mip_detect_symmetry": False}
        if integer:
            options["node_limit"] = SPLIT_NODES  # its dual bound is as valid; a node limit keeps the bound repeatable
        constraints = ()
        if len(rows):
            constraints = LinearConstraint(self.A[rows][:, cols], self.lo[rows], self.hi[rows])
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            res = milp(
                self.c[cols],
                integrality=self.integrality[cols] if integer else np.zeros(len(cols)),
                bounds=Bounds(np.zeros(len(cols)), ub[cols]),
                constraints=constraints,
                options=options,
            )
        if res.status == INFEASIBLE:
            return np.inf, None
        if res.status == OPTIMAL and res.x is not None:
            return float(res.fun), res.x
        bound = getattr(res, "mip_dual_bound", None) if integer else None
        return (float(bound), None) if bound is not None and np.isfinite(bound) else (None, None)

    def lp(self, zero=(), time_limit: float = 60.0):
        ub = self.ub.copy()
        ub[list(zero)] = 0.0
        return self._solve(np.arange(len(self.c)), np.arange(len(self.lo)), ub, False, time_limit)

    def split(self, zero, days, time_limit: float = 60.0) -> float | None:
        """The MILP over `days` alone plus the LP over the other days alone, the rows joining them dropped, with the
        variables `zero` held at 0: a lower bound on the whole model with those variables at 0."""
        ub = self.ub.copy()
        ub[list(zero)] = 0.0
        inside = np.isin(self.day, list(days))
        count = self.pattern @ inside.astype(float)
        total = 0.0
        for cols, rows, integer in (
            (np.flatnonzero(inside), np.flatnonzero(count == self.nnz), True),
            (np.flatnonzero(~inside), np.flatnonzero(count == 0), False),
        ):
            value, _x = self._solve(cols, rows, ub, integer, time_limit)
            if value is None:
                return None
            total += value
        return total


def _reach(model: _Model, opts: np.ndarray, placements: list, days: list[int]) -> int:
    """The most of `days` the options `opts` can fill in any plan, under every row of the model that holds only
    them (once a day, not on consecutive days, the weekly limit; rows with other variables are dropped, which
    can only raise the count, so the answer is an upper bound). A tiny MILP solved to optimality."""
    where = {int(o): i for i, o in enumerate(opts)}
    n = len(opts)
    rows, cols, vals, lo, hi = [], [], [], [], []
    for r, rc in enumerate(model.row_cols):
        if len(rc) and all(int(c) in where for c in rc):
            row = model.A[[r], :].tocoo()
            for c, v in zip(row.col.tolist(), row.data.tolist(), strict=True):
                rows.append(len(lo)), cols.append(where[c]), vals.append(v)
            lo.append(model.lo[r]), hi.append(model.hi[r])
    for j, d in enumerate(days):  # y_d <= the options placed on d
        rows.append(len(lo)), cols.append(n + j), vals.append(1.0)
        for o in opts:
            if any(pd == d for pd, _s, _c in placements[int(o)]):
                rows.append(len(lo)), cols.append(where[int(o)]), vals.append(-1.0)
        lo.append(-np.inf), hi.append(0.0)
    A = sparse.csr_array((vals, (rows, cols)), shape=(len(lo), n + len(days)))
    res = milp(
        np.concatenate([np.zeros(n), -np.ones(len(days))]),
        integrality=np.ones(n + len(days)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(A, lo, hi),
        options={"mip_rel_gap": 0.0, "time_limit": 30.0},
    )
    bound = getattr(res, "mip_dual_bound", None)
    if res.status == OPTIMAL:
        bound = res.fun if bound is None else bound
    if bound is None or not np.isfinite(bound):
        return len(days)  # nothing proven: S may reach every day
    return min(len(days), int(np.floor(-bound + 1e-6)))


def _branch_bound(model, zero, days, refine, time_limit) -> float | None:
    value, _x = model.lp(zero, time_limit)
    if value is None or not refine or not np.isfinite(value):
        return value
    split = model.split(zero, days, time_limit)
    return value if split is None else max(value, split)


def _least(model, branches, refine, stop_at, time_limit) -> float | None:
    """The least branch bound, or None when a branch proved nothing; stops early at or below `stop_at`."""
    least = np.inf
    for zero, days in branches:
        value = _branch_bound(model, zero, days, refine, time_limit)
        if value is None:
            return None
        least = min(least, value)
        if least <= stop_at:
            break
    return least


def disjunctive_bound(
    problem: PlanProblem,
    objective: float | None = None,
    refine: int = REFINE,
    depth: int = 1,
    max_set: int = MAX_SET,
    max_branches: int = MAX_BRANCHES,
    time_limit: float = 60.0,
) -> BoundReport:
    """A lower bound on the objective of every plan for `problem` (see the module's docstring), with what was tried.

    `objective`: a known plan's objective, if any: when it is within NEGLIGIBLE of the LP bound no disjunction can
    raise the bound by more (the branch holding that plan is never above it), so none is tried.
    `refine`: how many disjunctions (the best by their LP branches) also get the split bound in each branch (0: LP
    branches only, fast); `depth` 2 also takes the two best disjunctions together (a branch per pair of branches)."""
    started = time.perf_counter()
    p = problem
    week = Week(p)
    block = build_block(week, list(range(p.days)), fixed_locks(week), hard_energy=True, variety=False)
    model = _Model(block.model, block.day)
    lp, x = model.lp(time_limit=time_limit)
    report = BoundReport(lp, lp)
    if lp is None or not np.isfinite(lp):
        report.seconds = time.perf_counter() - started
        return report
    lp_floor = lp + NEGLIGIBLE * max(abs(lp), 1.0)
    if objective is not None and objective <= lp_floor:
        report.seconds = time.perf_counter() - started
        return report
    n_opt = len(block.meal)
    x = x[:n_opt]
    amounts = week.option_amounts(block.meal, block.scale)
    on_day = np.zeros((n_opt, p.days), dtype=bool)
    for i, pls in enumerate(block.placements):
        for d, _s, _c in pls:
            on_day[i, d] = True
    locked_meals = {d: set(ms) for d, ms in fixed_locks(week).items()}
    seen = set()
    for g in p.goals:
        if not g.minimum or g.weight <= 0:
            continue
        c = week.col[g.code]
        # the meals the LP leans on for this goal, most first (the richest option breaks ties)
        delivered = np.bincount(block.meal, weights=x * amounts[:, c], minlength=len(p.meals))
        richest = np.zeros(len(p.meals))
        np.maximum.at(richest, block.meal, amounts[:, c])
        ranked = [int(m) for m in np.lexsort((-richest, -delivered)) if delivered[m] > USED and richest[m] > 0]
        chosen: list[int] = []
        for m in ranked[:max_set]:
            trial = [*chosen, m]
            days = [d for d in range(p.days) if not (locked_meals.get(d, set()) & set(trial))]
            opts = np.flatnonzero(np.isin(block.meal, trial))
            reach = _reach(model, opts, block.placements, days)
            free = len(days) - reach
            if free < 1:
                break
            chosen = trial
            if frozenset(trial) in seen:
                continue
            seen.add(frozenset(trial))
            k = free
            while k > 1 and math.comb(len(days), k) > max_branches:
                k -= 1  # fewer forced-free days: fewer branches, still valid (weaker)
            branches = [(opts[on_day[opts][:, list(off)].any(axis=1)], off) for off in itertools.combinations(days, k)]
            t = Disjunction(g.code, tuple(p.meals[i].name for i in trial), reach, k, branches)
            report.tried.append(t)
            # the LP itself leaves k days free of S: every branch LP is the LP bound, nothing to gain
            if sum(not on_day[opts][x[opts] > USED].any(axis=0)[d] for d in days) >= k:
                continue
            t.lp_bound = _least(model, branches, False, lp_floor, time_limit)
    useful = sorted(
        (t for t in report.tried if t.lp_bound is not None and t.lp_bound > lp_floor), key=lambda t: -t.lp_bound
    )
    for t in report.tried:
        if t.lp_bound is not None and t.lp_bound > report.bound:
            report.bound, report.how = t.lp_bound, f"LP branches: {t.code} meals off {t.free_days} day(s)"
    for t in [t for t in useful if t.free_days <= SPLIT_DAYS][:refine]:
        t.split_bound = _least(model, t.branches, True, report.bound, time_limit)
        if t.split_bound is not None and t.split_bound > report.bound:
            report.bound, report.how = t.split_bound, f"split branches: {t.code} meals off {t.free_days} day(s)"
    few = [t for t in useful if t.free_days == 1]
    others = [t for t in few[1:] if t.code != few[0].code] if few else []
    if depth >= 2 and others and refine:
        a, b = few[0], others[0]  # the best two suggested by different goals, each leaving one day free
        pairs = [
            (np.union1d(za, zb), tuple(sorted(set(da) | set(db))))
            for (za, da), (zb, db) in itertools.product(a.branches, b.branches)
        ]
        both = _least(model, pairs, True, report.bound, time_limit)
        if both is not None and both > report.bound:
            report.bound, report.how = both, f"split branches: {a.code} and {b.code} meals together"
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class LagrangeReport:
    bound: float | None  # the best Lagrangian bound found: a lower bound on every plan's objective
    master: float | None  # the last restricted master LP's value (the day-wise Dantzig-Wolfe bound is at most this)
    iterations: int
    seconds: float


def lagrangian_bound(
    problem: PlanProblem,
    iterations: int = LAGRANGE_ITERATIONS,
    nodes: int = LAGRANGE_NODES,
    time_limit: float = 60.0,
) -> LagrangeReport:
    """A Lagrangian lower bound with one subproblem a day: every row that joins two days (never the same meal on
    consecutive days, at most `max_per_week` a week, a leftover's lunch) is moved into the objective with a
    multiplier y_r of the right sign, and each day is then solved as a MILP of its own.

    Why it is a bound: for any plan x and any y with y_r >= 0 on a row a_r x <= hi_r and y_r <= 0 on a row
    a_r x >= lo_r, each term y_r (a_r x - b_r) is <= 0, so c x >= c x + sum_r y_r (a_r x - b_r), which splits into a
    sum over days; each day's part is at least that day's MILP minimum (its HiGHS dual bound is used), whatever the
    other days hold. So L(y) = sum_d min_d (c + A_L' y) x_d - sum_r y_r b_r is below every plan's objective, for any y.
    The multipliers come from a Dantzig-Wolfe master LP over the day plans found so far (column generation); they
    only steer: the bound is L(y) computed afresh, the largest over the iterations. Unlike the LP, each day's plan
    is whole here, so a scarce meal cannot be spread as fractions over every day (the vegan's vitamin D), and two
    needs competing for one meal (a vitamin D snack that is also a B12 source) are seen together.
    """
    started = time.perf_counter()
    p = problem
    week = Week(p)
    block = build_block(week, list(range(p.days)), fixed_locks(week), hard_energy=True, variety=False)
    model = _Model(block.model, block.day)
    A = model.A.tocsr()
    coo = A.tocoo()
    row_days = [set() for _ in range(A.shape[0])]
    for r, c in zip(coo.row.tolist(), coo.col.tolist(), strict=True):
        row_days[r].add(int(model.day[c]))
    joins = np.array([len(s) > 1 for s in row_days], dtype=bool)
    L_rows = np.flatnonzero(joins)
    AL = A[L_rows]
    lo, hi = model.lo[L_rows], model.hi[L_rows]
    days = sorted({int(d) for d in model.day})  # -1: slack variables of rows without options (a day of kept meals)
    day_cols = {d: np.flatnonzero(model.day == d) for d in days}
    day_rows = {d: np.array([r for r in np.flatnonzero(~joins) if row_days[r] == {d}], dtype=int) for d in days}
    report = LagrangeReport(None, None, 0, 0.0)

    def price(d: int, y: np.ndarray):
        """(a lower bound on day d's minimum of (c + A_L' y) x, a best day plan found or None)."""
        cols, rows = day_cols[d], day_rows[d]
        options = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.0, "time_limit": time_limit, "node_limit": nodes}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            res = milp(
                model.c[cols] + AL[:, cols].T @ y,
                integrality=model.integrality[cols],
                bounds=Bounds(np.zeros(len(cols)), model.ub[cols]),
                constraints=LinearConstraint(A[rows][:, cols], model.lo[rows], model.hi[rows]) if len(rows) else (),
                options=options,
            )
        if res.status == INFEASIBLE:
            return np.inf, None
        dual = getattr(res, "mip_dual_bound", None)
        low = dual if dual is not None and np.isfinite(dual) else None
        if res.status == OPTIMAL and res.x is not None:
            low = float(res.fun) if low is None else min(float(low), float(res.fun))
        return low, res.x

    columns: list[tuple[int, np.ndarray]] = []  # (day, full-length x of that day's plan)
    y = np.zeros(len(L_rows))
    finite_hi, finite_lo = np.isfinite(hi), np.isfinite(lo)
    for it in range(iterations):
        report.iterations = it + 1
        lows = []
        for d in days:
            low, x = price(d, y)
            lows.append(low)
            if x is not None:
                full = np.zeros(len(model.c))
                full[day_cols[d]] = x
                columns.append((d, full))
        if all(low is not None for low in lows):
            rhs = np.where(y > 0, np.where(finite_hi, hi, np.inf), np.where(y < 0, np.where(finite_lo, lo, -np.inf), 0))
            value = float(sum(lows) - np.sum(np.where(y != 0, y * rhs, 0.0)))
            if np.isfinite(value) or value == np.inf:
                report.bound = value if report.bound is None else max(report.bound, value)
        if report.bound == np.inf or not all(any(d == cd for cd, _ in columns) for d in days):
            break  # a day with no plan at all: no plan for the week
        # the restricted master: convex weights of each day's plans; each joining row may be broken at a high price
        # (so the master is always feasible); its duals are the next multipliers
        cost = np.array([model.c @ v for _, v in columns])
        link = np.array([AL @ v for _, v in columns]).T
        nL = len(L_rows)
        eye = np.eye(nL)
        a_ub = np.vstack(
            [
                np.hstack([link[finite_hi], -eye[finite_hi], np.zeros((int(finite_hi.sum()), nL))]),
                np.hstack([-link[finite_lo], np.zeros((int(finite_lo.sum()), nL)), -eye[finite_lo]]),
            ]
        )
        b_ub = np.concatenate([hi[finite_hi], -lo[finite_lo]])
        a_eq = np.hstack(
            [np.array([[float(cd == d) for cd, _ in columns] for d in days]), np.zeros((len(days), 2 * nL))]
        )
        res = linprog(
            np.concatenate([cost, np.full(2 * nL, MASTER_PENALTY)]),
            A_ub=a_ub if len(b_ub) else None,
            b_ub=b_ub if len(b_ub) else None,
            A_eq=a_eq,
            b_eq=np.ones(len(days)),
            bounds=(0, None),
            method="highs",
        )
        if res.status != OPTIMAL:
            break
        report.master = float(res.fun)
        marg = -res.ineqlin.marginals if len(b_ub) else np.zeros(0)
        y = np.zeros(nL)
        y[np.flatnonzero(finite_hi)] += marg[: int(finite_hi.sum())]
        y[np.flatnonzero(finite_lo)] -= marg[int(finite_hi.sum()) :]
        if report.bound is not None and report.master - report.bound <= LAGRANGE_GAP * max(abs(report.master), 1.0):
            break
    report.seconds = time.perf_counter() - started
    return report
