"""In-process cost of a request to each page, after warming the caches (a person's own fragments included), run by
hand: median and p95 ms over N requests.

    .venv/bin/python bench/page_cpu.py [--requests 200] [--only signed-out|signed-in|dietitian|PATH ...] [--smoke]
    .venv/bin/python bench/page_cpu.py --profile /about/ [--as visitor|person|dietitian] [--sort cumulative|tottime]

Production settings (DJANGO_DEBUG=0, the manifest static storage after a collectstatic into a temporary
directory) on a throwaway SQLite database (migrated, fixtures loaded); requests go through django.test.Client,
so no server or network is timed: only Django's own work for each request (middleware, view, templates, queries).
CPU time (process time) is printed beside wall time, since other work may share the machine: on a busy machine read
the CPU column. A client without cookies (a first visit) for signed-out pages; one signed-in client (a person with
a saved plan, a saved profile and three weeks of journal: nights, lab results, an iron course) for the signed-in
ones; one dietitian for the workspace and the practice pages, with two clients sharing their journal with them
(bench/walk_accounts.py). --only times one kind of visitor's pages (signed-out, signed-in or dietitian) or just the
pages whose path is given (any number of times, mixed). --profile PATH prints cProfile's top functions (by CPU
time, cumulative unless --sort says otherwise) for that page instead. --smoke is a tiny run (3 requests a page)
that only checks the bench works (tests/test_benches.py).
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

# URL names (reversed once Django is set up), so that a renamed path shows as an error rather than a silent 404.
SIGNED_OUT = ["home", "food_list", "content:article_list", "pages:about", "pages:privacy", "pages:disclaimer",
              "accounts:login", "accounts:signup", "accounts:password_reset", "planner:form"]
SIGNED_IN = ["home", "content:article_list", "pages:about", "planner:form", "planner:saved", "journal:home",
             "journal:nights",
             "journal:labs", "journal:trends", "journal:summary", "accounts:account"]
DIETITIAN = ["workspace:home", "workspace:food_list", "workspace:meal_list", "workspace:review",
             "workspace:import_list", "practice:client_list", "practice:invite", "workspace:meal_new",
             "workspace:import_foods"]


def article_path() -> str | None:
    from content.models import Article

    article = Article.objects.published().first()
    return article.get_absolute_url() if article else None


def dietitian_item_pages() -> list[str]:
    """One page of each kind the workspace's lists link to: a food, a meal, their histories, a client, trends."""
    from django.urls import reverse

    from nutrition.models import Food
    from planner.models.meals import Meal
    from practice.models import ClientLink

    food = Food.objects.order_by("pk").first()
    meal = Meal.objects.order_by("pk").first()
    client = ClientLink.objects.active().filter(client__username="pagecpu-client1").get().client_id
    return [reverse("workspace:food_edit", args=[food.pk]), reverse("workspace:food_history", args=[food.pk]),
            reverse("workspace:meal_edit", args=[meal.pk]), reverse("workspace:meal_history", args=[meal.pk]),
            reverse("practice:client_detail", args=[client]), reverse("practice:client_trends", args=[client])]


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


def first_visit():
    """A client for a first visit each time: one client with its cookies cleared. (A new django.test.Client per
    request would load the whole middleware chain again on its first request, about 20 ms that a server pays once.)"""
    client = Client()

    def fresh():
        client.cookies.clear()
        return client

    return fresh


def people():
    """A person with a saved plan, a saved profile and three weeks of journal (a night each day, lab results, an
    iron course), and a dietitian, each with a signed-in client."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from journal.models import IronCourse, LabResult, Night
    from planner import plan_store, services
    from planner.profiles import parse_profile

    person = User.objects.create_user("pagecpu", "pagecpu@example.org", "page-cpu-password-long")
    profile = {"age": 40, "sex": "female", "weight_kg": 70, "height_cm": 168, "activity": "low", "diet": "omnivore",
               "life_stage": "none", "days": 3}
    plan_store.save_new(person, "My week", profile, services.generate_plan(parse_profile(profile)))
    plan_store.save_profile(person, "Me", parse_profile(profile).to_dict())
    signed_in = Client()
    signed_in.force_login(person)
    today = timezone.localdate()
    Night.objects.bulk_create(
        Night(owner=person, date=today - dt.timedelta(days=n), severity=n % 11, hours_slept=6 + n % 3 / 2,
              caffeine=n % 4 == 0)
        for n in range(1, 22))
    for lab, value, unit, days in (("ferritin", 48, "ng/mL", 100), ("ferritin", 62, "ng/mL", 30),
                                   ("transferrin_saturation", 22, "%", 30), ("vitamin_d_25oh", 22, "ng/mL", 30)):
        LabResult.objects.create(owner=person, lab=lab, value=value, unit=unit, date=today - dt.timedelta(days=days))
    IronCourse.objects.create(owner=person, kind="oral", started=today - dt.timedelta(days=40))
    from walk_accounts import create

    dietitian = create(person="pagecpu-walker", dietitian="pagecpu-dietitian",
                       clients=("pagecpu-client1", "pagecpu-client2"))["dietitian"]
    workspace = Client()
    workspace.force_login(dietitian)
    return signed_in, workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="profile this page instead of timing every page")
    parser.add_argument("--as", dest="who", choices=["visitor", "person", "dietitian"], default="visitor",
                        help="who requests the --profile page")
    parser.add_argument("--sort", default="cumulative", help="--profile: pstats' sort key (tottime, ncalls...)")
    parser.add_argument("--only", action="append", default=[], metavar="KIND|PATH",
                        help="time only these pages: signed-out, signed-in, dietitian or a path (repeatable)")
    parser.add_argument("--smoke", action="store_true", help="3 requests a page: only checks the bench works")
    args = parser.parse_args()
    if args.smoke:
        args.requests = 3
    for step in (("migrate",), ("createcachetable",), ("load_reference_data",), ("collectstatic", "--noinput")):
        call_command(*step, verbosity=0)
    signed_in, workspace = people()
    clients = {"visitor": first_visit(), "person": lambda: signed_in, "dietitian": lambda: workspace}
    if args.profile:
        import cProfile
        import pstats

        client_for = clients[args.who]
        for _ in range(5):
            client_for().get(args.profile)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            client_for().get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
        return
    extra = article_path()
    from django.urls import reverse

    pages = [("signed out", reverse(name)) for name in SIGNED_OUT] + ([("signed out", extra)] if extra else [])
    pages += [("signed in", reverse(name)) for name in SIGNED_IN]
    pages += [("dietitian", reverse(name)) for name in DIETITIAN]
    pages += [("dietitian", path) for path in dietitian_item_pages()]
    if args.only:
        kinds = {only.replace("-", " ") for only in args.only}
        pages = [(who, path) for who, path in pages if who in kinds or path in args.only]
    print(f"{args.requests} requests each through django.test.Client, DEBUG off, SQLite, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'visitor':<11} {'page':<40} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'non-200':>8}")
    failures = 0
    cpu_total = 0.0
    for who, path in pages:
        client_for = {"signed out": clients["visitor"], "signed in": clients["person"],
                      "dietitian": clients["dietitian"]}[who]
        for _ in range(3):  # warm: templates, caches
            client_for().get(path)
        p50, p95, cpu, bad = time_page(client_for, path, args.requests)
        failures += bad
        cpu_total += cpu
        print(f"{who:<11} {path:<40} {p50:>8.2f} {p95:>8.2f} {cpu:>8.2f} {bad:>8}")
    print(f"{'':<11} {'sum of the CPU p50s':<40} {'':>8} {'':>8} {cpu_total:>8.2f}")
    if failures:
        raise SystemExit(f"{failures} requests did not answer 200")


if __name__ == "__main__":
    main()
