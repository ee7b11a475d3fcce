"""The rows of the plan MILP for one day and across days: goals, the energy band and the cooking-time limit per day;
iron-absorption pairs within a day; variety (once a day, never on consecutive days, at most `max_per_week` in any
7 days) across days. `plan_milp.build_block` writes the options and calls these; no Django.
"""

from __future__ import annotations

import numpy as np

ADJACENCY_PENALTY = 0.005  # per iron-rich option beside a calcium-rich or caffeinated one (a tie-breaker)
RELAXED_ENERGY_WEIGHT = 10.0  # per relative kcal outside the band, when the band cannot be met
OVER_MINUTES_WEIGHT = 100.0  # per relative minute of cooking over a weekday's limit: a hard rule in effect
EPS = 1e-9


def window_starts(day: int, days: int) -> range:
    if days <= 7:
        return range(0, 1)
    return range(max(0, day - 6), min(day, days - 7) + 1)


def window_days(start: int, days: int) -> range:
    return range(start, min(start + 7, days))


def add_day_rows(week, model, d, on_day, amt, cooked, cooked_meals, hard_energy):
    """Day d's goal rows (a shortfall variable per minimum, an excess one per soft maximum, hard maxima as rows),
    its energy band (hard, or with penalised slack) and its weekday cooking-time limit.

    `on_day`/`amt`: the option variables eaten on day d and their nutrient amounts; `cooked`/`cooked_meals`: the
    option variables cooked on day d and their meal indices.
    """
    p = week.p
    e, E, tol = week.col["energy_kcal"], p.energy_kcal, p.energy_tolerance
    # rows in units of the goal (amount / goal), so HiGHS sees coefficients near 1 whatever the nutrient
    for g in p.goals:
        c = week.col[g.code]
        have = week.locked_amounts[d, c]
        if g.minimum is not None and g.minimum > 0 and g.minimum - have > EPS:
            u = model.add_vars(g.weight, integer=False, upper=1.0)
            model.add_row(np.append(on_day, u), np.append(amt[:, c] / g.minimum, 1.0), 1.0 - have / g.minimum)
        if g.maximum is not None:
            unit = g.maximum if g.maximum > 0 else 1.0
            if g.hard_maximum:
                model.add_row(on_day, amt[:, c] / unit, hi=(g.maximum - have) / unit)
            else:
                v = model.add_vars(g.weight, integer=False)
                model.add_row(np.append(on_day, v), np.append(amt[:, c] / unit, -1.0), hi=(g.maximum - have) / unit)
    lo, hi = (1 - tol) * E - week.locked_amounts[d, e], (1 + tol) * E - week.locked_amounts[d, e]
    unit = E if E > 0 else 1.0
    if hard_energy:
        model.add_row(on_day, amt[:, e] / unit, lo / unit, hi / unit)
    else:
        under, over = model.add_vars([RELAXED_ENERGY_WEIGHT] * 2, integer=False)
        model.add_row(np.append(on_day, under), np.append(amt[:, e] / unit, 1.0), lo / unit)
        model.add_row(np.append(on_day, over), np.append(amt[:, e] / unit, -1.0), hi=hi / unit)
    limit = p.max_cooking_minutes
    if limit is not None and p.is_weekday(d):
        minutes = week.minutes[cooked_meals]
        if minutes.any() or week.locked_minutes[d] > limit:
            unit = max(limit, 1.0)
            over = model.add_vars(OVER_MINUTES_WEIGHT, integer=False)
            model.add_row(np.append(cooked, over), np.append(minutes / unit, -1.0),
                          hi=(limit - week.locked_minutes[d]) / unit)


def add_absorption_rows(week, model, d, x, day, slot, meal, rich):
    """Penalise an iron-rich option next to a calcium-rich or caffeinated one: pen >= iron_s + inhib_t - 1."""
    if week.iron_rich_mg is None:
        return
    p = week.p

    def terms(s, kind):
        if (d, s) in week.locked:
            meal_id, scale = week.locked[(d, s)]
            i = week.index.get(meal_id)
            if i is None:
                return [], [], 0.0
            flag = week.iron_rich(week.N[[i]] * scale)[0] if kind == "iron" else week.inhibitor[i]
            return [], [], float(flag)
        sel = (day == d) & (slot == s) & (rich if kind == "iron" else week.inhibitor[meal])
        return list(x[sel]), [1.0] * int(sel.sum()), 0.0

    for s in range(len(p.slots) - 1):
        for a, b in ((s, s + 1), (s + 1, s)):
            ca, va, ka = terms(a, "iron")
            cb, vb, kb = terms(b, "inhibitor")
            if (ca or ka) and (cb or kb):
                pen = model.add_vars(ADJACENCY_PENALTY, integer=False)
                model.add_row(ca + cb + list(pen), va + vb + [-1.0], hi=1.0 - ka - kb)


def add_variety_rows(week, model, fixed, x, pl_opt, pl_day, meal):
    """Once a day, never on consecutive days, at most max_per_week in any 7 days (fixed days counted).

    An option filling several days (a dinner and its leftover, a same breakfast) is one choice: it may repeat
    its own meal on consecutive days and counts once toward the weekly limit.
    """
    p = week.p
    pl_meal = meal[pl_opt]
    for m in np.unique(meal):
        of_m = pl_meal == m
        by_day: dict[int, set[int]] = {}
        for o, d in zip(pl_opt[of_m].tolist(), pl_day[of_m].tolist(), strict=True):
            by_day.setdefault(d, set()).add(o)
        for d, opts in by_day.items():
            if len(opts) > 1:
                model.add_row(x[sorted(opts)], 1.0, hi=1.0)
            both = opts | by_day.get(d + 1, set())
            if d + 1 in by_day and len(both) > 1:
                model.add_row(x[sorted(both)], 1.0, hi=1.0)
        m_days = set(by_day)
        for start in sorted({s for d in m_days for s in window_starts(d, p.days)}):
            wdays = set(window_days(start, p.days))
            outside = sum(fixed.get(wd, []).count(m) for wd in wdays)  # locks on block days included
            opts = sorted(set().union(*(by_day[d] for d in m_days & wdays)))
            if min(len(opts), _most_uses(m_days & wdays)) + outside > p.max_per_week:
                model.add_row(x[opts], 1.0, hi=p.max_per_week - outside)


def _most_uses(days: set[int]) -> int:
    """How many of these days can hold one meal, once a day and never on consecutive days: ceil(n / 2) for
    each run of n consecutive days (not for the n days as a whole: days 1, 3, 5, 7 can all hold it)."""
    total, run, last = 0, 0, None
    for d in sorted(days):
        run = run + 1 if last is not None and d == last + 1 else 1
        if run % 2 == 1:
            total += 1
        last = d
    return total
