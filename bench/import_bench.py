"""Import benchmark, run by hand: time and peak memory of the two big imports.

    .venv/bin/python bench/import_bench.py [--rows 1000000] [--database sqlite|postgres] [--sr-foods N] [--smoke]

1. `import_sr` of the full USDA SR26 release (settings.USDA_SR_DIR, 8,463 foods; or its first --sr-foods
   foods, copied to a temporary directory), then a second run (which must change nothing).
2. `import_fdc --csv` of a generated FoodData Central bundle whose food_nutrient.csv has --rows rows.
   Nutrient ids are real FDC ids (the tracked ones plus the others found in the saved Foundation
   records: ../shared/data/fdc/foundation-sample.json when it is there, else the repository's two
   records in tests/fdc/foods.json); the amounts are random: they live in a temporary directory for this
   benchmark only and are never written to fixtures. The bundle is written by tests/fdc_bundle_data.py.

--smoke is a tiny run (2,000 rows, 20 SR foods) that only checks the bench still works (tests/test_benches.py).

Each import runs in its own child process on a fresh throwaway database (a temporary SQLite file,
or a PostgreSQL database `restful_plate_import_bench` that is dropped afterwards), so its peak
resident memory (ru_maxrss) is its own. The reading step's Python allocations are also traced
(tracemalloc) in a separate pass so the timings are not slowed by tracing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "restful_plate_import_bench"
SAMPLE = ROOT.parent / "shared" / "data" / "fdc" / "foundation-sample.json"
RECORDS = ROOT / "tests" / "fdc" / "foods.json"  # in every clone: two real FDC records
SR_WHOLE_FILES = ("FD_GROUP.txt", "NUTR_DEF.txt")
SR_FOOD_FILES = ("FOOD_DES.txt", "ABBREV.txt", "WEIGHT.txt")


def generate_bundle(directory: Path, rows: int, tracked_ids: list[int]) -> None:
    """A bundle with `rows` food_nutrient rows over real FDC nutrient ids; amounts are synthetic."""
    from tests.fdc_bundle_data import synthetic_bundle  # the writer the bundle tests use; ROOT is on sys.path

    sample = json.loads(SAMPLE.read_text())["FoundationFoods"] if SAMPLE.exists() else json.loads(RECORDS.read_text())
    ids = {n["nutrient"]["id"] for f in sample for n in f["foodNutrients"]} | set(tracked_ids)
    synthetic_bundle(directory, rows, ids)


def sr_subset(directory: Path, foods: int) -> Path:
    """The first `foods` foods of the SR26 release (with their nutrients and portions) as a release of its own."""
    import gzip

    from django.conf import settings

    source = Path(settings.USDA_SR_DIR)

    def lines(name: str) -> list[bytes]:
        plain = source / name
        data = plain.read_bytes() if plain.exists() else gzip.decompress((source / f"{name}.gz").read_bytes())
        return data.splitlines(keepends=True)

    for name in SR_WHOLE_FILES:
        (directory / name).write_bytes(b"".join(lines(name)))
    described = lines("FOOD_DES.txt")[:foods]
    keep = {line.split(b"^", 1)[0] for line in described}
    for name in SR_FOOD_FILES:
        (directory / name).write_bytes(b"".join(line for line in lines(name) if line.split(b"^", 1)[0] in keep))
    return directory


def child(kind: str, target: str) -> None:
    """Runs inside the child process: set up Django on the throwaway database, import, report."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `make run` does: saving reference data may touch a cache
    call_command("loaddata", str(ROOT / "fixtures" / "nutrients.json"), verbosity=0)
    from nutrition.importers import fdc_bundle, sr_release
    from nutrition.models import Nutrient

    if kind == "generate":
        ids = list(Nutrient.objects.exclude(fdc_nutrient_id=None).values_list("fdc_nutrient_id", flat=True))
        generate_bundle(Path(target), int(os.environ["BENCH_ROWS"]), ids)
        return
    if kind == "trace-fdc":
        tracemalloc.start()
        records, _ = fdc_bundle.read_bundle(target)
        print(json.dumps({"records": len(records), "read_peak_mb": tracemalloc.get_traced_memory()[1] / 2**20}))
        return
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs = []
    for _ in range(2 if kind == "sr" else 1):
        started = time.perf_counter()
        if kind == "sr":
            result = sr_release.import_sr_release(target or settings.USDA_SR_DIR).result
        else:
            result = fdc_bundle.import_fdc_bundle(target).result
        runs.append(
            {
                "seconds": round(time.perf_counter() - started, 1),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": runs, "maxrss_mb": round(peak), "maxrss_before_import_mb": round(baseline)}))


def run_child(kind: str, target: str, database: str, rows: int) -> dict | None:
    env = {**os.environ, "BENCH_ROWS": str(rows), "DJANGO_DEBUG": "1"}
    scratch = None
    if database == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], check=True, capture_output=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_NAME}"], check=True, capture_output=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    else:
        scratch = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        env["DATABASE_URL"] = f"sqlite:///{scratch.name}"
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, target], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        return json.loads(last) if last else None
    finally:
        if scratch is not None:
            os.unlink(scratch.name)
        if database == "postgres":
            subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sr-foods", type=int, default=0, help="only the release's first N foods (0: all)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: --rows 2000 --sr-foods 20")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.sr_foods = 2000, 20
    sys.path.insert(0, str(ROOT))
    if args.child:
        child(*args.child)
        return
    print(f"Database: {args.database}")
    with tempfile.TemporaryDirectory() as release:
        if args.sr_foods:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            os.environ.setdefault("DJANGO_DEBUG", "1")
            import django

            django.setup()
            sr_subset(Path(release), args.sr_foods)
        sr = run_child("sr", release if args.sr_foods else "", args.database, args.rows)
    which = f"first {args.sr_foods} foods" if args.sr_foods else "full release"
    print(f"SR26 {which}: first run {sr['runs'][0]}, second run {sr['runs'][1]}")
    print(f"  peak RSS {sr['maxrss_mb']} MB (Django and the app alone: {sr['maxrss_before_import_mb']} MB)")
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        run_child("generate", directory, args.database, args.rows)
        size = (Path(directory) / "food_nutrient.csv").stat().st_size / 2**20
        print(
            f"Generated a {args.rows:,}-row food_nutrient.csv ({size:.0f} MB) in {time.perf_counter() - started:.0f} s"
        )
        fdc = run_child("fdc", directory, args.database, args.rows)
        print(f"FDC bundle: {fdc['runs'][0]}")
        print(f"  peak RSS {fdc['maxrss_mb']} MB (Django and the app alone: {fdc['maxrss_before_import_mb']} MB)")
        traced = run_child("trace-fdc", directory, args.database, args.rows)
        print(
            f"  reading the bundle (traced Python allocations): peak {traced['read_peak_mb']:.0f} MB"
            f" for {traced['records']:,} foods"
        )


if __name__ == "__main__":
    main()
