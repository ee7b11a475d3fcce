"""Load test: gunicorn with 2 workers on PostgreSQL, 20 concurrent clients for 60 s, run by hand.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 20] [--workers 2]

It creates a throwaway PostgreSQL database (restful_plate_load), migrates it, loads the fixtures,
starts gunicorn on 127.0.0.1, drives it from this process with threads over the pages a person
uses (home, foods search, a food page, the plan form, plan generation), then prints p50/p95/p99
and errors per kind of request, and drops the database. Only loopback traffic; bounded in time.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SEARCH_TERMS = ["lentil", "spinach", "salmon", "oat", "bean", "milk", "egg", "rice", "kiwi", "tofu", "beef", "seed"]


def psql(sql: str) -> None:
    subprocess.run(["psql", DB_ADMIN_URL, "-qc", sql], check=True, capture_output=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


class Client:
    """One simulated person: cookies (session, CSRF) and a loop of page visits."""

    def __init__(self, base: str, food_ids: list[int]):
        self.base = base
        self.food_ids = food_ids
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        status, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = dict(data, csrfmiddlewaretoken=token.group(1) if token else "")
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()

    def visit(self, kind: str, rng: random.Random) -> int:
        if kind == "home":
            return self.get("/")[0]
        if kind == "search":
            term = rng.choice(SEARCH_TERMS)
            return self.get(f"/foods/?q={term}")[0]
        if kind == "food":
            return self.get(f"/foods/{rng.choice(self.food_ids)}/")[0]
        if kind == "plan_form":
            return self.get("/plan/")[0]
        if kind == "plan":
            profile = {
                "age": rng.randint(20, 70), "sex": rng.choice(["female", "male"]), "weight_kg": rng.randint(55, 95),
                "height_cm": rng.randint(155, 190), "activity": "low",
                "diet": rng.choice(["omnivore", "pescatarian", "vegetarian", "vegan"]),
                "life_stage": "none", "days": 7,
            }
            return self.post("/plan/", profile)[0]
        raise ValueError(kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--plan-share", type=float, default=0.05, help="share of visits that generate a plan")
    args = parser.parse_args()

    env = dict(os.environ, DATABASE_URL="postgres://postgres@127.0.0.1:5432/restful_plate_load",
               DJANGO_DEBUG="0", DJANGO_SECRET_KEY="load-test-" + "k" * 50, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SESSION_COOKIE_SECURE="0", DJANGO_CSRF_COOKIE_SECURE="0",
               DJANGO_LOG_LEVEL="WARNING", DJANGO_STATIC_ROOT=str(ROOT / "staticfiles"))
    psql("DROP DATABASE IF EXISTS restful_plate_load")
    psql("CREATE DATABASE restful_plate_load")
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "collectstatic", "--noinput")
        food_ids = [int(x) for x in subprocess.run(
            ["psql", env["DATABASE_URL"], "-Atc", "select id from nutrition_food"],
            check=True, capture_output=True, text=True).stdout.split()]
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(args.workers),
             "-b", f"127.0.0.1:{args.port}", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)

        weights = {"home": 0.2, "search": 0.35, "food": 0.25, "plan_form": 0.15 - args.plan_share + 0.05,
                   "plan": args.plan_share}
        kinds, shares = zip(*weights.items(), strict=True)
        timings: dict[str, list[float]] = {k: [] for k in kinds}
        errors: dict[str, list[str]] = {k: [] for k in kinds}
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def run(seed: int) -> None:
            rng = random.Random(seed)
            client = Client(base, food_ids)
            while time.monotonic() < deadline:
                kind = rng.choices(kinds, shares)[0]
                start = time.perf_counter()
                try:
                    status = client.visit(kind, rng)
                    problem = None if status == 200 else f"status {status}"
                except (urllib.error.URLError, OSError, ValueError) as error:
                    problem = str(error)
                elapsed = time.perf_counter() - start
                with lock:
                    timings[kind].append(elapsed)
                    if problem:
                        errors[kind].append(problem)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        print(f"gunicorn {args.workers} workers, PostgreSQL, {args.clients} clients, {args.seconds:g} s, "
              f"{os.cpu_count()} cores")
        print(f"{'request':<10} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for kind in kinds:
            values = timings[kind]
            if not values:
                continue
            ms = [v * 1000 for v in values]
            print(f"{kind:<10} {len(ms):>6} {statistics.median(ms):>8.1f} {percentile(ms, 95):>8.1f} "
                  f"{percentile(ms, 99):>8.1f} {len(errors[kind]):>7}")
        for kind, problems in errors.items():
            for problem in sorted(set(problems))[:3]:
                print(f"  {kind}: {problem}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        psql("DROP DATABASE IF EXISTS restful_plate_load")


if __name__ == "__main__":
    main()
