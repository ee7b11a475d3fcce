"""The MILP behind the optimiser: one block of plan days as a sparse HiGHS model (no Django).

`Week` turns a `PlanProblem` into arrays once (meals x nutrients, locks, seeded tie-breaking noise);
`build_block` writes the model for some days with every other day fixed: option binaries (day, slot,
meal, scale) pre-filtered by the hard rules, relative shortfall/excess variables per goal, the energy
band, iron-absorption penalties and the variety rules. Rows are in units of each goal so HiGHS sees
coefficients near 1 whatever the nutrient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .plan_rows import EPS, add_absorption_rows, add_day_rows, add_variety_rows, window_days, window_starts
from .plan_sparse import MIP_REL_GAP, SparseMilp, top_groups
from .plan_types import PlanProblem

__all__ = [
    "MIP_REL_GAP", "RESTRICTED_EXTRA_MEALS", "SEED_NOISE", "Block", "SparseMilp", "Week", "build_block", "fixed_locks",
    "top_groups",
]  # fmt: skip

ENERGY, IRON, VITAMIN_C, CALCIUM = "energy_kcal", "iron_mg", "vitamin_c_mg", "calcium_mg"
IRON_RICH_SHARE = 0.25  # an option giving >= 25% of the day's iron minimum is "iron-rich"
VITAMIN_C_WITH_IRON_MG = 25.0  # vitamin C that meaningfully raises non-heme iron absorption
CALCIUM_RICH_MG = 300.0
ABSORPTION_PENALTY = 0.05  # per iron-rich option lacking vitamin C or itself calcium-rich or caffeinated
VARIETY_PENALTY = 0.005  # per earlier use of the same meal this week
PORTION_PENALTY = 0.002  # per unit of scale away from 1.0: usual portions when all else is equal
SEED_NOISE = 1e-4  # seeded tie-breaking
LEFTOVER_BONUS = 0.05  # per second portion eaten as a leftover: one cooking session fewer
RESTRICTED_EXTRA_MEALS = 1  # per slot, beside the meals the day's LP relaxation uses


class Week:
    """What every sub-problem shares: meals as a nutrient matrix, goals as columns, locks, seeded noise."""

    def __init__(self, p: PlanProblem):
        self.p = p
        self.scales = np.asarray(p.scales, dtype=float)
        self.codes = sorted({g.code for g in p.goals} | {ENERGY, IRON, VITAMIN_C, CALCIUM})
        col = {c: i for i, c in enumerate(self.codes)}
        self.col = col
        self.N = np.array([[float(m.nutrients.get(c, 0.0) or 0.0) for c in self.codes] for m in p.meals]).reshape(
            len(p.meals), len(self.codes)
        )
        self.index = {m.id: i for i, m in enumerate(p.meals)}
        iron_min = max((g.minimum or 0.0 for g in p.goals if g.code == IRON), default=0.0)
        self.iron_rich_mg = IRON_RICH_SHARE * iron_min if iron_min > 0 else None
        caffeine = np.array([m.caffeine for m in p.meals], dtype=bool)
        self.inhibitor = caffeine | (self.N[:, col[CALCIUM]] >= CALCIUM_RICH_MG)
        self.caffeine = caffeine
        self.locked = {(d, s): v for (d, s), v in p.locked.items() if 0 <= d < p.days and 0 <= s < len(p.slots)}
        self.locked_amounts = np.zeros((p.days, len(self.codes)))
        self.minutes = np.array([float(m.cooking_minutes) for m in p.meals])
        self.locked_minutes = np.zeros(p.days)
        # (day, slot) -> (day, slot) it repeats: a leftover of that dinner, or that weekday's same breakfast
        self.leftover_of = {k: v for k, v in p.locked_leftovers.items() if k in self.locked}
        self.same_as: dict[tuple[int, int], tuple[int, int]] = {}
        self.notes: list[str] = []
        for (d, s), (meal_id, scale) in sorted(self.locked.items()):
            if meal_id in self.index:
                self.locked_amounts[d] += self.N[self.index[meal_id]] * scale
                if (d, s) not in self.leftover_of:
                    self.locked_minutes[d] += self.minutes[self.index[meal_id]]
            else:
                self.notes.append(
                    f"Day {d + 1} {p.slots[s]}: the kept meal is not in the candidate list; its nutrients count as 0."
                )
        self.lunch = p.slots.index("lunch") if "lunch" in p.slots else None
        self.dinner = p.slots.index("dinner") if "dinner" in p.slots else None
        self.breakfast = p.slots.index("breakfast") if "breakfast" in p.slots else None
        self.candidates = []  # per slot index: meal indices of that kind, no alcohol, caffeine only in the morning
        for s, kind in enumerate(p.slots):
            self.candidates.append(
                np.array(
                    [
                        i
                        for i, m in enumerate(p.meals)
                        if m.slot == kind and not m.alcohol and (not m.caffeine or s in p.morning_slots)
                    ],
                    dtype=int,
                )
            )
        # how far a day eaten at this meal's nutrient density would go toward each minimum (capped at 1)
        energy = np.maximum(self.N[:, col[ENERGY]], 1.0)
        self.density = np.zeros(len(p.meals))
        for g in p.goals:
            if g.minimum:
                share = self.N[:, col[g.code]] / energy * p.energy_kcal / g.minimum
                self.density += g.weight * np.minimum(share, 1.0)
        rng = np.random.default_rng(p.seed)
        self.noise = rng.random((p.days, len(p.slots), len(p.meals), len(p.scales))) * SEED_NOISE
        self.avoid = p.avoid

    def add_lock(self, d: int, s: int, m: int, scale: float, leftover_of=None, same_as=None) -> None:
        """Fix (d, s) to meal index m, as when an earlier day's choice places a portion on a later day."""
        self.locked[(d, s)] = (self.p.meals[m].id, scale)
        self.locked_amounts[d] += self.N[m] * scale
        if leftover_of is None:
            self.locked_minutes[d] += self.minutes[m]
        else:
            self.leftover_of[(d, s)] = leftover_of
        if same_as is not None:
            self.same_as[(d, s)] = same_as

    def option_amounts(self, meal_idx: np.ndarray, scale_idx: np.ndarray) -> np.ndarray:
        return self.N[meal_idx] * self.scales[scale_idx, None]

    def iron_rich(self, amounts: np.ndarray) -> np.ndarray:
        if self.iron_rich_mg is None:
            return np.zeros(len(amounts), dtype=bool)
        return amounts[:, self.col[IRON]] >= self.iron_rich_mg


@dataclass
class Block:
    model: SparseMilp
    day: np.ndarray  # per option: where it is chosen (its first placement)
    slot: np.ndarray
    meal: np.ndarray
    scale: np.ndarray
    empty: list[tuple[int, int]]  # (day, slot) left out: no meal can go there
    energy_blocked: bool  # a slot emptied only by the energy band
    lag: np.ndarray = None  # per option: days until its leftover lunch (0: no leftover)
    repeat: np.ndarray = None  # per option: a same-breakfast choice, placed on every later free weekday too
    placements: list = None  # per option: [(day, slot, cooked?)], the first being (day, slot, True)


def _same_breakfast_days(week: Week, d: int, block_days: list[int]) -> list[int] | None:
    """The weekdays a same-breakfast choice made on day d fills, or None when d does not choose it."""
    p, b = week.p, week.breakfast
    if not p.same_breakfast or b is None or not p.is_weekday(d):
        return None
    last = max(block_days)
    free = [
        wd
        for wd in range(d - d % 7, min(d - d % 7 + 7, p.days))
        if p.is_weekday(wd) and (wd, b) not in week.locked and (wd in block_days or wd > last)
    ]
    return free if free and free[0] == d else []


def build_block(
    week: Week,
    block_days: list[int],
    fixed: dict[int, list[int]],
    hard_energy: bool,
    variety: bool,
    allowed: dict[tuple[int, int], set[int]] | None = None,
) -> Block:
    """The MILP over `block_days`; `fixed` holds meal indices already placed on other days (and locks).

    `allowed` narrows (day, slot) to some meal indices (a restricted master; the caller checks the bound).
    An option is a meal at a scale chosen at (day, slot); with leftovers a dinner option may also fill a later
    day's lunch, and with the same breakfast a weekday's breakfast option fills every later free weekday of its
    week. A placement outside the block (a later day) becomes a lock for that day once the block is solved.
    """
    p, model = week.p, SparseMilp()
    hard = [(week.col[g.code], g.maximum) for g in p.goals if g.maximum is not None and g.hard_maximum]
    e, E, tol = week.col[ENERGY], p.energy_kcal, p.energy_tolerance
    used = {}
    for ids in fixed.values():
        for m in ids:
            used[m] = used.get(m, 0) + 1
    last = max(block_days) if block_days else -1
    cap = {d: np.array([mx - week.locked_amounts[d, c] for c, mx in hard]) for d in range(p.days)}

    near_cache: dict[int, set[int]] = {}

    def blocked(d: int) -> set[int]:
        """Meal indices that cannot go on day d: fixed on d or beside it, or already at the weekly limit."""
        if d not in near_cache:
            near = set(fixed.get(d - 1, [])) | set(fixed.get(d, [])) | set(fixed.get(d + 1, []))
            for start in window_starts(d, p.days):
                counts = {}
                for wd in window_days(start, p.days):  # fixed days inside the block (locks) count too
                    for m in fixed.get(wd, []):
                        counts[m] = counts.get(m, 0) + 1
                near |= {m for m, n in counts.items() if n >= p.max_per_week}
            near_cache[d] = near
        return near_cache[d]

    def fits(amounts: np.ndarray, d: int) -> np.ndarray:
        ok = np.all(amounts[:, [c for c, _ in hard]] <= cap[d] + EPS, axis=1) if hard else np.ones(len(amounts), bool)
        if hard_energy:
            ok &= amounts[:, e] <= (1 + tol) * E - week.locked_amounts[d, e] + EPS
        return ok

    parts, energy_blocked = [], False
    covered = set()
    for d in block_days:
        for s in range(len(p.slots)):
            if (d, s) in week.locked or (d, s) in covered:
                continue
            if len(week.candidates[s]) == 0:
                continue
            mi = np.array(
                [
                    m
                    for m in week.candidates[s]
                    if m not in blocked(d)
                    and (d, s, p.meals[m].id) not in week.avoid
                    and (allowed is None or m in allowed[(d, s)])
                ],
                dtype=int,
            )
            mm, kk = np.repeat(mi, len(p.scales)), np.tile(np.arange(len(p.scales)), len(mi))
            amounts = week.option_amounts(mm, kk)
            kinds = [(0, False, [])]  # (lag, repeat, extra placements)
            if s == week.breakfast:
                repeat_days = _same_breakfast_days(week, d, block_days)
                if repeat_days == []:
                    continue  # an earlier weekday's same-breakfast choice fills this slot
                if repeat_days:
                    kinds = [(0, True, [(wd, s, True) for wd in repeat_days[1:]])]
            if s == week.dinner and p.leftovers and week.lunch is not None:
                for t in p.leftover_lags:
                    t_day = d + t
                    free = t_day < p.days and (t_day, week.lunch) not in week.locked
                    if free and (t_day in block_days or t_day > last):
                        kinds.append((t, False, [(t_day, week.lunch, False)]))
            for lag, repeat, extra in kinds:
                ok = np.ones(len(mm), bool) if not hard else np.all(
                    amounts[:, [c for c, _ in hard]] <= cap[d] + EPS, axis=1
                )
                if hard_energy:
                    ok_energy = amounts[:, e] <= (1 + tol) * E - week.locked_amounts[d, e] + EPS
                    if lag == 0 and not repeat:
                        energy_blocked |= bool(ok.any() and not (ok & ok_energy).any())
                    ok &= ok_energy
                for pd, _ps, _cooked in extra:
                    ok &= ~np.isin(mm, list(blocked(pd)))
                    if pd not in block_days:
                        ok &= fits(amounts, pd)
                if ok.any() and repeat:
                    covered |= {(pd, ps) for pd, ps, _c in extra}
                if ok.any():
                    n = int(ok.sum())
                    parts.append((np.full(n, d), np.full(n, s), mm[ok], kk[ok], np.full(n, lag), np.full(n, repeat)))
                    parts[-1] += ([[(d, s, True), *extra]] * n,)
    day, slot, meal, scale, lag, repeat = (
        np.concatenate([part[i] for part in parts]).astype(int) if parts else np.zeros(0, int) for i in range(6)
    )
    repeat = repeat.astype(bool)
    placements = [pl for part in parts for pl in part[6]]
    # placement arrays: one row per (option, day, slot) it fills
    pl_opt = np.array([i for i, pls in enumerate(placements) for _ in pls], dtype=int)
    pl_day = np.array([pd for pls in placements for pd, _s, _c in pls], dtype=int)
    pl_slot = np.array([ps for pls in placements for _d, ps, _c in pls], dtype=int)
    pl_cooked = np.array([c for pls in placements for _d, _s, c in pls], dtype=bool)
    in_block = np.isin(pl_day, block_days)
    filled = set(zip(pl_day[in_block].tolist(), pl_slot[in_block].tolist(), strict=True))
    empty = [
        (d, s) for d in block_days for s in range(len(p.slots)) if (d, s) not in week.locked and (d, s) not in filled
    ]
    amounts = week.option_amounts(meal, scale)
    rich = week.iron_rich(amounts)
    eaten = np.bincount(pl_opt[in_block], minlength=len(meal)).astype(float)  # portions eaten inside the block
    cost = eaten * PORTION_PENALTY * np.abs(week.scales[scale] - 1.0) + week.noise[day, slot, meal, scale]
    cost += eaten * ABSORPTION_PENALTY * (rich & (amounts[:, week.col[VITAMIN_C]] < VITAMIN_C_WITH_IRON_MG))
    cost += eaten * ABSORPTION_PENALTY * (rich & week.inhibitor[meal])
    cost -= LEFTOVER_BONUS * (lag > 0)
    if variety:
        cost += VARIETY_PENALTY * np.array([used.get(m, 0) for m in meal])
    x = model.add_vars(cost, integer=True, upper=1)
    block = Block(model, day, slot, meal, scale, empty, energy_blocked, lag, repeat, placements)
    xp, mp = x[pl_opt], meal[pl_opt]
    amt_p = amounts[pl_opt]
    for d in block_days:
        here = pl_day == d
        on_day, amt = xp[here], amt_p[here]
        for s in range(len(p.slots)):
            if (d, s) not in week.locked and (d, s) not in empty:
                model.add_row(xp[here & (pl_slot == s)], 1.0, 1.0, 1.0)
        add_day_rows(week, model, d, on_day, amt, xp[here & pl_cooked], mp[here & pl_cooked], hard_energy)
        add_absorption_rows(week, model, d, xp, pl_day, pl_slot, mp, rich[pl_opt])
    add_variety_rows(week, model, fixed, x, pl_opt, pl_day, meal)
    return block


def fixed_locks(week: Week) -> dict[int, list[int]]:
    fixed: dict[int, list[int]] = {}
    for (d, _s), (meal_id, _scale) in week.locked.items():
        if meal_id in week.index:
            fixed.setdefault(d, []).append(week.index[meal_id])
    return fixed
