"""Benchmark of the journal's trends page for a year of entries (run by hand; prints figures).

    .venv/bin/python bench/journal_bench.py [--weeks 52] [--runs 10]

Loads every fixture into a throwaway in-memory SQLite database, fills one person's journal with
`demo_journal`'s history (nightly entries, labs every 12 weeks, every planned meal marked), then requests
/journal/trends/ in process (Django's test client) and prints the median and best wall-clock and CPU
milliseconds (CPU time too, since other work may share the machine) and the number of queries. The goal is
under 150 ms for a year.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"  # throwaway: migrated and loaded afresh on each run
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from journal.access import open_journal  # noqa: E402
from journal.demo import fill_demo_journal  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `make run` does: without REDIS_URL the caches are tables
    call_command("load_reference_data", verbosity=0)
    person = get_user_model().objects.create_user("bench", password="a-long-Passw0rd!")
    made = fill_demo_journal(open_journal(person, write=True), args.weeks)
    print(f"journal: {made}")
    client = Client()
    client.force_login(person)
    url = f"/journal/trends/?weeks={args.weeks}"
    client.get(url)  # warm: imports, template loading
    walls, cpus, queries = [], [], 0
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        queries = len(captured)
        assert response.status_code == 200
    print(f"{url}: {len(response.content) // 1024} KiB, {queries} queries")
    print(f"  wall ms: median {statistics.median(walls):.0f}, best {min(walls):.0f}")
    print(f"  CPU ms:  median {statistics.median(cpus):.0f}, best {min(cpus):.0f}")


if __name__ == "__main__":
    main()
