"""A sparse MILP under construction and its HiGHS solve (scipy.optimize.milp); no Django, no plan rules."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

MIP_REL_GAP = 0.01
PICK_CHUNK = 20_000  # assignments scored at once by `SparseMilp.best_pick` (memory: this x rows x 8 bytes)
# HiGHS's presolve on a day's LP (~1,000 columns, ~200 rows) takes about as long as the simplex itself: without it
# the LPs and reduced costs of the week search took half the CPU (28 reduced-cost LPs of two profiles: 0.79 -> 0.34 s)
LP_PRESOLVE = False
LIGHT_OPTIONS = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False, "mip_pscost_minreliable": 0}
PICK_MAX = 40_000  # assignments `top_groups` lets `best_pick` score (~0.1 s)
FEASIBLE = 1e-9  # row tolerance of `best_pick`, stricter than HiGHS's (1e-7), so what it accepts HiGHS accepts


class SparseMilp:
    """A sparse MILP under construction: option binaries first, then continuous slack variables."""

    def __init__(self):
        self.cost: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.n = 0
        self.rows, self.cols, self.vals, self.lo, self.hi = [], [], [], [], []
        self._slack: tuple | None = None  # (model size, `_slack_rows`) of the last `best_pick`

    def add_vars(self, cost, integer: bool, upper=np.inf) -> np.ndarray:
        cost = np.atleast_1d(np.asarray(cost, dtype=float))
        idx = np.arange(self.n, self.n + len(cost))
        self.n += len(cost)
        self.cost.append(cost)
        self.integer.append(np.full(len(cost), int(integer)))
        self.upper.append(np.full(len(cost), float(upper)))
        return idx

    def add_row(self, cols, vals, lo=-np.inf, hi=np.inf):
        cols = np.atleast_1d(np.asarray(cols, dtype=int))
        vals = np.broadcast_to(np.asarray(vals, dtype=float), cols.shape)
        self.rows.append(np.full(len(cols), len(self.lo)))
        self.cols.append(cols)
        self.vals.append(vals)
        self.lo.append(lo)
        self.hi.append(hi)

    def solve(
        self,
        time_limit: float,
        relax: bool = False,
        fix: np.ndarray | None = None,
        nodes: int | None = None,
        gap: float = MIP_REL_GAP,
        cutoff: float | None = None,
        only: np.ndarray | None = None,
        light: bool = False,
    ):
        c = np.concatenate(self.cost)
        integrality = np.zeros(self.n) if relax else np.concatenate(self.integer)
        ub = np.concatenate(self.upper)
        lb = np.zeros(self.n)
        if only is not None:  # only these of the first len(only) (option) variables may be used
            ub[: len(only)] = np.where(only, ub[: len(only)], 0.0)
        if fix is not None:  # fix the first len(fix) (option) variables
            lb[: len(fix)] = ub[: len(fix)] = fix
        constraints = ()
        if self.lo:
            A = sparse.csr_array(
                (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
                shape=(len(self.lo), self.n),
            )
            constraints = LinearConstraint(A, np.array(self.lo), np.array(self.hi))
        # HiGHS stops when (objective - bound) <= MIP_REL_GAP * max(objective, 1): the relative gap, or an
        # absolute one when tie-breaking terms alone make up a near-zero objective. scipy passes
        # mip_abs_gap to HiGHS verbatim, with a warning we expect.
        options = {
            "time_limit": max(time_limit, 0.01),
            "mip_rel_gap": gap,
            "mip_abs_gap": gap,
            "mip_detect_symmetry": False,
        }
        if relax:
            options["presolve"] = LP_PRESOLVE
        if nodes is not None:
            options["node_limit"] = nodes
        if light:  # no sub-MIP heuristics, no strong branching: ~20% less CPU on the week search's two-day MILPs
            options.update(LIGHT_OPTIONS)
        if cutoff is not None:  # HiGHS prunes by this upper limit (it may still return a worse plan: callers check)
            options["objective_bound"] = cutoff
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            return milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints, options=options)

    def _slack_rows(self):
        """(A over the binaries, row lo, row hi, per row: its slack's coefficient (0: none), cost and upper bound,
        cost of the binaries), or None when some row has more than one continuous variable, a continuous variable
        sits in more than one row or has a negative cost: then `best_pick` cannot price an assignment by itself."""
        c = np.concatenate(self.cost)
        integer = np.concatenate(self.integer).astype(bool)
        ub = np.concatenate(self.upper)
        A = sparse.csc_array(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(len(self.lo), self.n),
        )
        cont = np.flatnonzero(~integer)
        Ac = sparse.coo_array(A[:, cont])
        if (c[cont] < 0).any() or len(np.unique(Ac.col)) != len(Ac.col) or len(np.unique(Ac.row)) != len(Ac.row):
            return None
        coef, cost, upper = np.zeros(len(self.lo)), np.zeros(len(self.lo)), np.zeros(len(self.lo))
        coef[Ac.row], cost[Ac.row], upper[Ac.row] = Ac.data, c[cont][Ac.col], ub[cont][Ac.col]
        return A, np.array(self.lo, float), np.array(self.hi, float), coef, cost, upper, c

    def best_pick(self, groups: list[np.ndarray]):
        """(objective, columns) of the best assignment choosing exactly one binary of each group (every other binary
        0), each continuous (slack) variable at its least feasible value; None when no assignment keeps the rows or
        the model is not of that form (see `_slack_rows`). Exact: every assignment is scored, so this is the optimum
        of the MILP restricted to these columns, found without HiGHS. For small groups (a day's slots x ~10 options).
        """
        size = (self.n, len(self.lo))
        if self._slack is None or self._slack[0] != size:  # built once per model (a day's local moves call often)
            self._slack = (size, self._slack_rows())
        model = self._slack[1]
        if model is None or not groups:
            return None
        A, lo, hi, coef, cost, upper, c = model
        cand = np.concatenate(groups)
        M = A[:, cand].toarray().T  # candidates x rows
        # rows no candidate touches hold 0 in every assignment: priced once
        touched = np.any(M != 0, axis=0)
        rest = _price(np.zeros((1, int((~touched).sum()))), *(v[~touched] for v in (lo, hi, coef, cost, upper)))
        if not rest[0][0]:
            return None
        M, lo, hi, coef, cost, upper = M[:, touched], *(v[touched] for v in (lo, hi, coef, cost, upper))
        c = c[cand]
        sizes = [len(g) for g in groups]
        offsets = np.cumsum([0, *sizes[:-1]])
        # rows that every assignment keeps with its slack at 0 (a slot's row, most upper limits) need no scoring
        parts = [M[o : o + k] for o, k in zip(offsets, sizes, strict=True)]
        least, most = sum(part.min(axis=0) for part in parts), sum(part.max(axis=0) for part in parts)
        if np.any((coef == 0) & ((most < lo - FEASIBLE) | (least > hi + FEASIBLE))):
            return None
        keep = ~((least >= lo - FEASIBLE) & (most <= hi + FEASIBLE))
        M, lo, hi, coef, cost, upper = M[:, keep], *(v[keep] for v in (lo, hi, coef, cost, upper))
        best = None
        # all assignments in lexicographic order (first group slowest), in chunks over the leading groups
        inner = 1
        split = len(groups)
        while split > 0 and inner * sizes[split - 1] <= PICK_CHUNK:
            split -= 1
            inner *= sizes[split]
        tail = (
            np.array(np.meshgrid(*[np.arange(k) for k in sizes[split:]], indexing="ij"))
            .reshape(len(sizes) - split, -1)
            .T
            if split < len(groups)
            else np.zeros((1, 0), int)
        )
        tail_rows = sum(M[offsets[split + j] + tail[:, j]] for j in range(tail.shape[1])) if tail.shape[1] else 0
        tail_cost = sum(c[offsets[split + j] + tail[:, j]] for j in range(tail.shape[1])) if tail.shape[1] else 0.0
        tail_rows = np.zeros((len(tail), M.shape[1])) + tail_rows
        tail_cost = np.zeros(len(tail)) + tail_cost + rest[1][0]
        for head in np.ndindex(*sizes[:split]):
            at = [offsets[j] + k for j, k in enumerate(head)]
            r = tail_rows + M[at].sum(axis=0)
            ok, obj = _price(r, lo, hi, coef, cost, upper)
            obj += tail_cost + c[at].sum()
            if not ok.any():
                continue
            i = int(np.argmin(np.where(ok, obj, np.inf)))
            if best is None or obj[i] < best[0]:
                cols = [groups[j][k] for j, k in enumerate(head)] + [
                    groups[split + j][tail[i, j]] for j in range(tail.shape[1])
                ]
                best = (float(obj[i]), np.array(cols, dtype=int))
        return best

    def reduced_costs(self, time_limit: float):
        """(objective, x, reduced costs) of the LP relaxation, or None when it has no optimum."""
        c = np.concatenate(self.cost)
        ub = np.concatenate(self.upper)
        A = sparse.csr_array(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(len(self.lo), self.n),
        )
        lo, hi = np.array(self.lo), np.array(self.hi)
        eq = lo == hi
        upper, lower = ~eq & np.isfinite(hi), ~eq & np.isfinite(lo)
        res = linprog(
            c,
            A_ub=sparse.vstack([A[upper], -A[lower]]),
            b_ub=np.concatenate([hi[upper], -lo[lower]]),
            A_eq=A[eq] if eq.any() else None,
            b_eq=lo[eq] if eq.any() else None,
            bounds=np.c_[np.zeros(self.n), ub],
            method="highs",
            options={"time_limit": max(time_limit, 0.01), "presolve": LP_PRESOLVE},
        )
        if res.x is None:
            return None
        return res.fun, res.x, res.lower.marginals + res.upper.marginals


def top_groups(ranked: list[np.ndarray], keep: list[set], top: int) -> list[np.ndarray]:
    """Per group, its first `top` columns (`ranked` best first) and those in `keep`: fewer than `top` each when the
    assignments would pass PICK_MAX (a day of five slots, say)."""
    while True:
        groups = [np.array(sorted(set(r[:top].tolist()) | k), dtype=int) for r, k in zip(ranked, keep, strict=True)]
        if top <= 1 or np.prod([float(len(g)) for g in groups]) <= PICK_MAX:
            return groups
        top -= 1


def _price(r, lo, hi, coef, cost, upper):
    """(feasible?, objective) of assignments whose row activities are the rows of `r`: rows without a slack must
    hold; a row with one (coefficient `coef`, cost `cost` >= 0, upper bound `upper`) takes it at its least feasible
    value."""
    with np.errstate(invalid="ignore", divide="ignore"):
        plain = coef == 0
        ok = np.all((r[:, plain] >= lo[plain] - FEASIBLE) & (r[:, plain] <= hi[plain] + FEASIBLE), axis=1)
        obj = np.zeros(len(r))
        for sign in (1.0, -1.0):
            rows = np.flatnonzero(coef * sign > 0)
            if not len(rows):
                continue
            a = coef[rows]
            # lo <= r + a s <= hi, 0 <= s <= upper: s >= (lo - r) / a for a > 0, (hi - r) / a for a < 0
            need = ((lo[rows] if sign > 0 else hi[rows]) - r[:, rows]) / a
            room = ((hi[rows] if sign > 0 else lo[rows]) - r[:, rows]) / a
            need = np.where(np.isnan(need), 0.0, np.maximum(need, 0.0))
            room = np.where(np.isnan(room), np.inf, np.minimum(room, upper[rows]))
            ok &= np.all(need <= room + FEASIBLE, axis=1)
            obj += need @ cost[rows]
    return ok, obj
