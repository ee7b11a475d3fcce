"""How long a 7-day plan handout takes to make, run by hand: the HTML page and the PDF, first and warm.

    .venv/bin/python bench/handout_bench.py [--renders 5] [--out /tmp/handout.pdf] [--units us]

A throwaway SQLite database (migrated, fixtures loaded), a client sharing with a dietitian, a few journal labs and
one 7-day plan from the real planner; requests go through django.test.Client as the dietitian, so no server or
network is timed. The first PDF pays for loading WeasyPrint and Pango, the fonts and the stylesheet (kept for the
life of the process); the warm figures are what every later handout costs. --out writes the PDF (to look at it:
`pdftoppm -png -r 60 /tmp/handout.pdf /tmp/handout`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="handout-bench-")
os.environ.update(
    DATABASE_URL=f"sqlite:///{_tmp}/db.sqlite3", DJANGO_DEBUG="1", DJANGO_SECRET_KEY="handout-bench-" + "k" * 50,
    DJANGO_ALLOWED_HOSTS="testserver", DJANGO_LOG_LEVEL="ERROR",
)
for name in ("REDIS_URL", "REDIS_PAGES_URL"):
    os.environ.pop(name, None)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PROFILE = {"age": 41, "sex": "female", "weight_kg": 64, "height_cm": 167, "diet": "vegetarian", "days": 7}


def world(units: str):
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from journal.models import LabResult
    from planner.models import Plan
    from planner.profiles import parse_profile
    from planner.services import generate_plan
    from practice.models import ClientLink, ClientPlan

    client = User.objects.create_user("maria", "maria@example.org", "bench-password-long", first_name="Maria",
                                      last_name="Okafor")
    dietitian = User.objects.create_user("dana", "dana@example.org", "bench-password-long")
    dietitian.groups.add(Group.objects.get(name="Dietitian"))
    now = timezone.now()
    ClientLink.objects.create(dietitian=dietitian, client=client, client_name="Maria Okafor", token_hash="b" * 64,
                              state="active", expires_at=now + dt.timedelta(days=14), accepted_at=now)
    today = dt.date.today()
    LabResult.objects.create(owner=client, date=today - dt.timedelta(days=20), lab="ferritin", value=38, unit="ng/mL")
    LabResult.objects.create(owner=client, date=today - dt.timedelta(days=20), lab="transferrin_saturation",
                             value=18, unit="%")
    LabResult.objects.create(owner=client, date=today - dt.timedelta(days=60), lab="vitamin_d_25oh", value=21,
                             unit="nmol/L")  # canonical ng/mL, shown as 52.4 nmol/L as entered
    started = time.perf_counter()
    document = generate_plan(parse_profile(PROFILE), seed=3)
    print(f"7-day plan solved in {time.perf_counter() - started:.1f} s (not part of the handout's time)")
    plan = Plan.objects.create(owner=client, name="Iron-first week", profile_data={**PROFILE, "units": units},
                               document=document, seed=3)
    # built and published by the dietitian, with a message (practice.client_plans), as the handout's usual case
    ClientPlan.objects.create(plan=plan, client=client, dietitian=dietitian, dietitian_name="Dana Diaz",
                              state=ClientPlan.State.PUBLISHED, published_at=now,
                              message="Soak the lentils the night before; ask me about the iron test in March.")
    browser = Client()
    browser.force_login(dietitian)
    return browser, f"/dietitian/clients/{client.pk}/plans/{plan.pk}/handout"


def timed(browser, url: str) -> tuple[float, float, bytes]:
    started, started_cpu = time.perf_counter(), time.process_time()
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000, response.content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--out", help="write the PDF here")
    parser.add_argument("--units", choices=("metric", "us"), default="metric")
    args = parser.parse_args()
    for step in (("migrate",), ("createcachetable",), ("load_reference_data",)):
        call_command(*step, verbosity=0)
    browser, base = world(args.units)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} cores")
    wall, cpu, pdf = timed(browser, f"{base}.pdf")
    print(f"first PDF (loads WeasyPrint, fonts, CSS): {wall:.0f} ms wall, {cpu:.0f} ms CPU, {len(pdf) // 1024} KiB")
    for label, url in (("HTML page", f"{base}/"), ("PDF", f"{base}.pdf")):
        runs = [timed(browser, url) for _ in range(args.renders)]
        walls = sorted(r[0] for r in runs)
        print(f"{label:<10} warm, {args.renders} renders: median {statistics.median(walls):.0f} ms wall "
              f"(max {walls[-1]:.0f}), median {statistics.median(r[1] for r in runs):.0f} ms CPU")
        if label == "PDF":
            pdf = runs[-1][2]
    from io import BytesIO

    from pypdf import PdfReader

    print(f"PDF pages: {len(PdfReader(BytesIO(pdf)).pages)}")
    if args.out:
        Path(args.out).write_bytes(pdf)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
