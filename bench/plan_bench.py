"""Benchmark of the meal-level optimiser over the real pipeline (run by hand; prints figures).

    nice .venv/bin/python bench/plan_bench.py [--seeds 3] [--profiles N] [--profile NAME ...] [--time-limit S]
                                              [--no-leftovers] [--bound-nodes 1] [--bound-depth 1] [--lagrangian 0]

Loads every fixture into a throwaway in-memory SQLite database, builds each profile's `PlanProblem` with
`planner.services.build_problem` (curated meals, personal targets) and times `solve_plan` on it.
Prints the median and p95 seconds (wall clock, and CPU time since other work may share the machine),
the share of nutrient-days meeting their minimum, upper-limit breaches, the energy-in-range share and
the gap to each plan's whole-week LP-relaxation bound (per profile, median and worst), and the cooking
sessions of each plan solved again with leftovers (and that plan's met share).

The LP bound is weak where a nutrient comes from few meals (a vegan's vitamin D: the LP spreads a fraction of each
mushroom meal over every day, while a plan can use each at most twice a week), so no plan can come near it there.
The bench therefore also prints the gaps to stronger lower bounds on the best plan's objective:

- the proven bound: the larger of the LP bound and the whole-week MILP's dual bound after --bound-nodes nodes,
  less the most seeded noise a plan can carry (0 skips it; ~10 s of CPU per profile);
- the disjunctive bound (`planner.plan_bounds.disjunctive_bound`, --bound-depth 1, the default): the meals a goal
  leans on can reach at most so many days under the variety rows, so every plan leaves some day without them, and
  the least over those days of a bound with the meals held off that day is a bound on every plan. 1.5-5 s of CPU
  a profile (up to ~20 s for a vegan one); --bound-depth 2 also takes the two best such disjunctions together (tens
  of seconds more for the vegans); 0 skips it. It is computed for each plan's own
  problem (its seed's tie-breaking noise included);
- the Lagrangian bound (`planner.plan_bounds.lagrangian_bound`, off by default, --lagrangian N for N rounds; 20 is
  plenty): the rows joining days (variety across days) go into the objective with multipliers from a column-generation
  master, and each day is solved as a MILP of its own, so no meal is spread as fractions over the week. The strongest
  by far for the vegans (for the vegan teen it proves that no plan is even 1% better than ours), and the expensive
  part: one MILP a day a round, 10-170 s of CPU for a vegan profile and ~200 s for a vegetarian one (more meals a
  day). Also computed for each plan's own problem.

Each row shows the worst gaps over its seeds and its first seed's week objective and bounds (LP, disjunctive,
Lagrangian); the summary gives the median and worst of each gap, and of the gap to the best bound (the largest of
them). Every bound is a lower bound on the best plan's objective, so a gap to any of them is an upper estimate of
what the solve leaves on the table; where a bound is weak (the LP bound for the vegans) that estimate is far too
high, and no plan at all could close the gap it shows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"  # throwaway: migrated and loaded afresh on each run
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # settings default to production, which wants a secret key

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from planner.optimizer import (  # noqa: E402
    cooking_sessions,
    day_totals,
    plan_objective,
    proven_bound,
    relaxation_bound,
    solve_plan,
)
from planner.plan_bounds import disjunctive_bound, lagrangian_bound  # noqa: E402
from planner.profiles import PlanProfile  # noqa: E402
from planner.services import build_problem  # noqa: E402

P = PlanProfile
PROFILES = {
    "child 6 omnivore": P(6, "female", 21, 116),
    "child 9 vegetarian, no nuts": P(9, "male", 29, 133, diet="vegetarian", exclude=("nuts", "peanuts")),
    "teen 14 girl omnivore, iron": P(14, "female", 50, 160, deficiencies=("iron",)),
    "teen 16 boy vegan, active": P(16, "male", 62, 176, diet="vegan", activity="active"),
    "teen 17 pescatarian, no gluten": P(17, "female", 56, 165, diet="pescatarian", exclude=("gluten",)),
    "adult 25 woman omnivore": P(25, "female", 60, 165),
    "adult 30 man omnivore, very active": P(30, "male", 82, 182, activity="very_active"),
    "adult 34 woman vegan, iron+b12": P(34, "female", 58, 163, diet="vegan", deficiencies=("iron", "vitamin_b12")),
    "adult 40 man vegetarian, no dairy": P(40, "male", 78, 178, diet="vegetarian", exclude=("dairy",)),
    "adult 45 woman pescatarian, no fish": P(45, "female", 66, 168, diet="pescatarian", exclude=("fish", "shellfish")),
    "adult 38 smoker omnivore, vit C": P(38, "male", 85, 175, smoker=True, deficiencies=("vitamin_c",)),
    "adult 50 woman omnivore, no egg/soy": P(50, "female", 70, 162, exclude=("egg", "soy")),
    "adult 29 woman, ferritin 20": P(29, "female", 62, 170, labs={"ferritin_ng_ml": 20.0}),
    "adult 33 man vegan, sedentary, 2 snacks": P(
        33, "male", 75, 180, diet="vegan", activity="sedentary", snacks_per_day=2
    ),
    "adult 27 woman, no snacks": P(27, "female", 57, 160, snacks_per_day=0),
    "pregnant 28 omnivore": P(28, "female", 68, 166, life_stage="pregnant"),
    "pregnant 32 vegetarian, iron+folate": P(
        32, "female", 70, 168, diet="vegetarian", life_stage="pregnant", deficiencies=("iron", "folate")
    ),
    "pregnant 17 teen pescatarian": P(17, "female", 58, 162, diet="pescatarian", life_stage="pregnant"),
    "lactating 30 omnivore": P(30, "female", 66, 167, life_stage="lactating"),
    "lactating 35 vegan, no soy": P(35, "female", 60, 164, diet="vegan", life_stage="lactating", exclude=("soy",)),
    "older 65 man omnivore, magnesium": P(65, "male", 80, 174, deficiencies=("magnesium",)),
    "older 72 woman vegetarian, vit D": P(72, "female", 64, 158, diet="vegetarian", deficiencies=("vitamin_d",)),
    "older 80 man pescatarian, no dairy": P(80, "male", 70, 170, diet="pescatarian", exclude=("dairy",)),
    "older 68 woman vegan, all RLS gaps": P(
        68, "female", 59, 160, diet="vegan", deficiencies=("iron", "folate", "magnesium", "vitamin_b12", "vitamin_d")
    ),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate(problem, solution) -> dict:
    """Met nutrient-days, UL breaches and energy-in-range days of one plan, recomputed from its meals."""
    totals = day_totals(problem, solution.meals)
    met = checked = breaches = energy_ok = 0
    for d in range(problem.days):
        day = totals[d]
        for g in problem.goals:
            if g.minimum:
                checked += 1
                met += day.get(g.code, 0.0) >= g.minimum * (1 - 1e-6)
            if g.maximum is not None and g.hard_maximum and day.get(g.code, 0.0) > g.maximum * (1 + 1e-6):
                breaches += 1
        energy = day.get("energy_kcal", 0.0)
        energy_ok += abs(energy - problem.energy_kcal) <= problem.energy_tolerance * problem.energy_kcal + 1e-6
    return {"met": met, "checked": checked, "breaches": breaches, "energy_ok": energy_ok, "days": problem.days}


def gap(objective: float | None, bound: float | None) -> float | None:
    """The week's objective against a whole-week lower bound (relative; 1.0 the least denominator, as for the
    optimiser's own gaps)."""
    if bound is None or objective is None:
        return None
    return max(0.0, objective - bound) / max(abs(objective), 1.0)


def week_gap(problem, solution, bound=None) -> float | None:
    """`gap` of a plan against a bound, by default the whole-week LP-relaxation bound."""
    return gap(plan_objective(problem, solution), relaxation_bound(problem) if bound is None else bound)


def fmt(value: float | None, width: int = 8, digits: int = 4) -> str:
    return f"{float('nan') if value is None else value:{width}.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds (repeats) per profile")
    parser.add_argument("--profiles", type=int, default=len(PROFILES), help="only the first N profiles")
    parser.add_argument(
        "--time-limit", type=float, default=None, help="solver seconds per plan (default the optimiser's own)"
    )
    parser.add_argument("--no-leftovers", action="store_true", help="skip the second solve of each plan with leftovers")
    parser.add_argument(
        "--bound-nodes", type=int, default=1, help="nodes of the whole-week MILP for the proven bound (0: skip it)"
    )
    parser.add_argument(
        "--bound-depth",
        type=int,
        default=1,
        choices=(0, 1, 2),
        help="the disjunctive bound: 1 one disjunction at a time, 2 also the best two together (slow), 0 skip it",
    )
    parser.add_argument(
        "--lagrangian", type=int, default=0, help="rounds of the Lagrangian bound (0: skip it; minutes of CPU each)"
    )
    parser.add_argument("--profile", action="append", default=[], help="only profiles whose name contains this")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `make run` does: without REDIS_URL the caches are tables
    call_command("load_reference_data", verbosity=0)

    seconds, cpu_seconds, gaps, week_gaps, proven_gaps, statuses = [], [], [], [], [], {}
    disj_gaps, best_gaps, bound_seconds, lagrange_gaps, lagrange_seconds = [], [], [], [], []
    sessions, leftover_sessions, leftover_seconds = [], [], []
    load_before = os.getloadavg()
    sums = {"met": 0, "checked": 0, "breaches": 0, "energy_ok": 0, "days": 0}
    leftover_sums = dict.fromkeys(sums, 0)
    print(
        f"{'profile':40} {'meals':>5} {'median s':>8} {'max s':>6} {'met %':>6} {'UL':>3} {'energy %':>8} "
        f"{'week gap':>8} {'proven':>8} {'disj gap':>8} {'lagr gap':>8} {'objective':>9} {'LP bound':>8} "
        f"{'disj bnd':>8} {'lagr bnd':>8} "
        f"{'cooks':>5} {'w/ left':>7} {'met % w/':>8}"
    )
    chosen = [(n, p) for n, p in PROFILES.items() if not args.profile or any(s in n for s in args.profile)]
    for name, profile in chosen[: args.profiles]:
        row_seconds, row, row_left = [], dict.fromkeys(sums, 0), dict.fromkeys(sums, 0)
        row_gaps, row_proven, row_cooks, row_left_cooks = [], [], [], []
        row_disj, row_objective, row_lp, row_bound, row_lagrange, row_lagrange_bound = [], [], [], [], [], []
        proven = None
        if args.bound_nodes > 0:
            proven = proven_bound(build_problem(profile, days=7, seed=0), nodes=args.bound_nodes)
        for seed in range(args.seeds):
            problem = build_problem(profile, days=7, seed=seed, time_limit=args.time_limit)
            cpu = time.process_time()
            solution = solve_plan(problem)
            cpu_seconds.append(time.process_time() - cpu)
            statuses[solution.status] = statuses.get(solution.status, 0) + 1
            row_seconds.append(solution.seconds)
            gaps.append(solution.gap)
            for key, value in evaluate(problem, solution).items():
                row[key] += value
            objective, lp_bound = plan_objective(problem, solution), relaxation_bound(problem)
            bounds = [b for b in (lp_bound, proven) if b is not None]
            row_objective.append(objective)
            row_lp.append(lp_bound)
            if (lp_gap := gap(objective, lp_bound)) is not None:
                row_gaps.append(lp_gap)
            if proven is not None and (tighter := gap(objective, max(bounds))) is not None:
                row_proven.append(tighter)
            if args.bound_depth:
                report = disjunctive_bound(problem, objective, depth=args.bound_depth)
                bound_seconds.append(report.seconds)
                row_bound.append(report.bound)
                if report.bound is not None:
                    bounds.append(report.bound)
                if (disj := gap(objective, report.bound)) is not None:
                    row_disj.append(disj)
            if args.lagrangian:
                lagrange = lagrangian_bound(problem, iterations=args.lagrangian)
                lagrange_seconds.append(lagrange.seconds)
                row_lagrange_bound.append(lagrange.bound)
                if lagrange.bound is not None:
                    bounds.append(lagrange.bound)
                if (lagrange_gap := gap(objective, lagrange.bound)) is not None:
                    row_lagrange.append(lagrange_gap)
            if bounds and (best := gap(objective, max(bounds))) is not None:
                best_gaps.append(best)
            row_cooks.append(cooking_sessions(solution.meals))
            if not args.no_leftovers:
                with_leftovers = replace(problem, leftovers=True)
                left = solve_plan(with_leftovers)
                leftover_seconds.append(left.seconds)
                row_left_cooks.append(cooking_sessions(left.meals))
                for key, value in evaluate(with_leftovers, left).items():
                    row_left[key] += value
        seconds += row_seconds
        week_gaps += row_gaps
        proven_gaps += row_proven
        disj_gaps += row_disj
        lagrange_gaps += row_lagrange
        sessions += row_cooks
        leftover_sessions += row_left_cooks
        for key in sums:
            sums[key] += row[key]
            leftover_sums[key] += row_left[key]
        print(
            f"{name:40} {len(problem.meals):5d} {statistics.median(row_seconds):8.3f} {max(row_seconds):6.2f} "
            f"{100 * row['met'] / max(row['checked'], 1):6.1f} {row['breaches']:3d} "
            f"{100 * row['energy_ok'] / row['days']:8.1f} {max(row_gaps, default=float('nan')):8.4f} "
            f"{max(row_proven, default=float('nan')):8.4f} {max(row_disj, default=float('nan')):8.4f} "
            f"{max(row_lagrange, default=float('nan')):8.4f} "
            f"{fmt(row_objective[0], 9)} {fmt(row_lp[0])} {fmt(row_bound[0] if row_bound else None)} "
            f"{fmt(row_lagrange_bound[0] if row_lagrange_bound else None)} "
            f"{statistics.mean(row_cooks):5.1f} {statistics.mean(row_left_cooks or [float('nan')]):7.1f} "
            f"{100 * row_left['met'] / max(row_left['checked'], 1):8.1f}",
            flush=True,
        )
    print()
    print(f"plans solved:              {len(seconds)} (7 days each); statuses {statuses}")
    print(f"solve_plan seconds:        median {statistics.median(seconds):.3f}, p95 {percentile(seconds, 0.95):.3f}")
    print(
        f"solve_plan CPU seconds:    median {statistics.median(cpu_seconds):.3f}, "
        f"p95 {percentile(cpu_seconds, 0.95):.3f}"
        f"  (load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs:"
        " wall time exceeds CPU time when others share the machine)"
    )
    print(f"nutrient-days at minimum:  {100 * sums['met'] / max(sums['checked'], 1):.1f}%")
    print(f"upper-limit breaches:      {sums['breaches']}")
    print(f"energy within the band:    {100 * sums['energy_ok'] / sums['days']:.1f}% of days")
    print(f"gap to the day LP bounds:  median {statistics.median(gaps):.4f}, worst {max(gaps):.4f}")
    if week_gaps:
        print(f"gap to the week LP bound:  median {statistics.median(week_gaps):.4f}, worst {max(week_gaps):.4f}")
    if proven_gaps:
        print(
            f"gap to the proven bound:   median {statistics.median(proven_gaps):.4f}, worst {max(proven_gaps):.4f}"
            f"  (the larger of the LP bound and the whole-week MILP's dual bound after {args.bound_nodes} node(s))"
        )
    if disj_gaps:
        print(
            f"gap to the disjunctive bound: median {statistics.median(disj_gaps):.4f}, worst {max(disj_gaps):.4f}"
            f"  (depth {args.bound_depth}; seconds median {statistics.median(bound_seconds):.1f}, "
            f"max {max(bound_seconds):.1f})"
        )
    if lagrange_gaps:
        print(
            f"gap to the Lagrangian bound: median {statistics.median(lagrange_gaps):.4f}, "
            f"worst {max(lagrange_gaps):.4f}"
            f"  ({args.lagrangian} rounds at most; seconds median {statistics.median(lagrange_seconds):.1f}, "
            f"max {max(lagrange_seconds):.1f})"
        )
    if best_gaps:
        print(f"gap to the best bound:     median {statistics.median(best_gaps):.4f}, worst {max(best_gaps):.4f}")
    if leftover_sessions:
        fewer = [a - b for a, b in zip(sessions, leftover_sessions, strict=True)]
        print(
            f"cooking sessions a week:   {statistics.mean(sessions):.1f} without leftovers, "
            f"{statistics.mean(leftover_sessions):.1f} with (fewer by: min {min(fewer)}, median "
            f"{statistics.median(fewer):g}); with leftovers nutrient-days at minimum "
            f"{100 * leftover_sums['met'] / max(leftover_sums['checked'], 1):.1f}%, UL breaches "
            f"{leftover_sums['breaches']}, seconds median {statistics.median(leftover_seconds):.3f} "
            f"p95 {percentile(leftover_seconds, 0.95):.3f}"
        )


if __name__ == "__main__":
    main()
