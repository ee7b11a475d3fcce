"""In-process cost of a request to each uncached page, run by hand: median and p95 ms over N requests.

    .venv/bin/python bench/page_cpu.py [--requests 200] [--profile /about/]

Production settings (DJANGO_DEBUG=0, the manifest static storage after a collectstatic into a temporary
directory) on a throwaway SQLite database (migrated, fixtures loaded); requests go through django.test.Client,
so no server or network is timed: only Django's own work for each request (middleware, view, templates, queries).
CPU time (process time) is printed beside wall time, since other work may share the machine. A fresh client
(no cookies: a first visit) for signed-out pages; one signed-in client for the signed-in ones. --profile PATH
prints cProfile's top functions (cumulative) for that page instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="page_cpu-")
os.environ.update(
    DATABASE_URL=f"sqlite:///{_tmp}/db.sqlite3", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="page-cpu-" + "k" * 50,
    DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_LOG_LEVEL="ERROR",
    DJANGO_STATIC_ROOT=f"{_tmp}/static",
)
for name in ("REDIS_URL", "REDIS_PAGES_URL"):
    os.environ.pop(name, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

SIGNED_OUT = ["/", "/foods/", "/learn/", "/about/", "/privacy/", "/disclaimer/", "/accounts/login/",
              "/accounts/signup/", "/accounts/password_reset/", "/plan/"]
SIGNED_IN = ["/", "/learn/", "/about/", "/plan/saved/"]


def article_path() -> str | None:
    from content.models import Article

    article = Article.objects.published().first()
    return article.get_absolute_url() if article else None


def time_page(client_for, path: str, requests: int) -> tuple[float, float, float, int]:
    wall, cpu, bad = [], [], 0
    for _ in range(requests):
        client = client_for()
        started, started_cpu = time.perf_counter(), time.process_time()
        status = client.get(path).status_code
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        bad += status != 200
    wall.sort()
    return statistics.median(wall), wall[int(0.95 * (len(wall) - 1))], statistics.median(cpu), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="profile this page (signed out) instead of timing every page")
    args = parser.parse_args()
    for step in (("migrate",), ("createcachetable",), ("load_reference_data",), ("collectstatic", "--noinput")):
        call_command(*step, verbosity=0)
    from django.contrib.auth.models import User

    signed_in = Client()
    signed_in.force_login(User.objects.create_user("pagecpu", "pagecpu@example.org", "page-cpu-password-long"))
    if args.profile:
        import cProfile
        import pstats

        for _ in range(5):
            Client().get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            Client().get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        return
    extra = article_path()
    pages = [("signed out", p) for p in SIGNED_OUT + ([extra] if extra else [])]
    pages += [("signed in", p) for p in SIGNED_IN]
    print(f"{args.requests} requests each through django.test.Client, DEBUG off, SQLite, {os.cpu_count()} cores")
    print(f"{'visitor':<11} {'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'non-200':>8}")
    failures = 0
    for who, path in pages:
        client_for = Client if who == "signed out" else (lambda: signed_in)
        for _ in range(3):  # warm: templates, caches
            client_for().get(path)
        p50, p95, cpu, bad = time_page(client_for, path, args.requests)
        failures += bad
        print(f"{who:<11} {path:<40} {p50:>8.2f} {p95:>8.2f} {cpu:>8.2f} {bad:>8}")
    if failures:
        raise SystemExit(f"{failures} requests did not answer 200")


if __name__ == "__main__":
    main()
