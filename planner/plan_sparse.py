"""A sparse MILP under construction and its HiGHS solve (scipy.optimize.milp); no Django, no plan rules."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

MIP_REL_GAP = 0.01


class SparseMilp:
    """A sparse MILP under construction: option binaries first, then continuous slack variables."""

    def __init__(self):
        self.cost: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.n = 0
        self.rows, self.cols, self.vals, self.lo, self.hi = [], [], [], [], []

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
        if nodes is not None:
            options["node_limit"] = nodes
        if cutoff is not None:  # HiGHS prunes by this upper limit (it may still return a worse plan: callers check)
            options["objective_bound"] = cutoff
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            return milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints, options=options)

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
            options={"time_limit": max(time_limit, 0.01)},
        )
        if res.x is None:
            return None
        return res.fun, res.x, res.lower.marginals + res.upper.marginals
