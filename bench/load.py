"""Load test: gunicorn with 2 workers on PostgreSQL (and Redis), 20 concurrent clients for 60 s, run by hand.

    .venv/bin/python bench/load.py [--seconds 60] [--clients 20] [--plan-clients 2] [--workers 2] [--threads 1]
                                   [--plan-workers 1] [--plan-nice 0] [--no-queue]

It creates a throwaway PostgreSQL database (restful_plate_load), migrates it, loads the fixtures, starts
gunicorn on 127.0.0.1 (and, unless --no-queue, one `manage.py plan_worker` on a scratch Redis database), then
runs the clients for --seconds:

- page clients (all but --plan-clients): `wrk` connections, one wrk per kind of page, over home, a foods search,
  a food page and the plan form, in the shares of PAGE_SHARES. wrk is a C load generator (Debian package `wrk`),
  so the clients cost the two shared cores little; Python clients cost about as much CPU as the server.
- plan clients (--plan-clients): Python threads that each, back to back, open the plan form, submit a random
  7-day profile and follow it to the finished plan page (polling the wait page when plans go through the queue);
  the time counted runs from the submit to the plan page.

Every client sends its next request as soon as the last one answers (closed loop, no think time). It prints
p50/p95/p99 and errors per kind of request, then stops everything and drops the database. Loopback only.

    .venv/bin/python bench/load.py --walk [--seconds 15] [--clients 20] [--roles out,in,dietitian] [--depth 2]

--walk instead loads one page at a time: every page linked from the home page (signed out, then signed in as a
throwaway person, then as a dietitian), plus EXTRA_PAGES that answer, each with `wrk` at --clients connections for
--seconds, and prints one table of p50/p95/p99 and errors per page. The dietitian (bench/walk_accounts.py: the
fixtures' foods and meals, and two clients sharing their journal with them) also follows plain links further
inside the dietitian's area (/dietitian/...): from the home page to the workspace, and from there to its lists
(foods, meals, needs review, imports, clients) with --depth 2 (the default); a larger --depth also walks the pages
those link to (a food, a meal, a client), one page per kind of address (ids aside). --roles picks which visitors
walk (default: all three). --smoke (tiny: 3 connections for 1 s, wrk's shortest, each stopping
after 10 answers so that the smoke run does not load the machine) is what tests/test_benches.py runs;
--database-url runs it on another database (the smoke test's own SQLite file, say) instead of PostgreSQL, and
--static-root collects the static files elsewhere than staticfiles/ (so that two runs at once do not collide).
--db-name names the throwaway PostgreSQL database
(restful_plate_load unless given) and --port the server's port, so that two people can run it on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from walk_accounts import DIETITIAN, PASSWORD, PERSON  # bench/ is first on sys.path

ROOT = Path(__file__).resolve().parent.parent
DB_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LOAD_DB = "restful_plate_load"
REDIS_URL = "redis://127.0.0.1:6379/13"  # a scratch Redis database, flushed before and after
SEARCH_TERMS = ["lentil", "spinach", "salmon", "oat", "bean", "milk", "egg", "rice", "kiwi", "tofu", "beef", "seed"]
PAGE_SHARES = {"home": 4, "search": 6, "food": 5, "plan_form": 3}  # connections out of 18
# Pages walked by --walk beside those linked from the home page, when they answer 200 (add new pages here).
EXTRA_PAGES = ["/journal/", "/api/v1/"]
SKIPPED_LINKS = ("/static/", "/admin/", "/accounts/logout/", "/media/")
DIETITIAN_AREA = "/dietitian/"  # where the dietitian's walk follows links beyond the home page's
ROLES = {"out": "signed out", "in": "signed in", "dietitian": "dietitian"}
GOALS_MS = {"home": 100, "search": 50, "food": 100, "plan_form": 100, "plan": 2000}


def psql(sql: str) -> None:
    subprocess.run(["psql", DB_ADMIN_URL, "-qc", sql], check=True, capture_output=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def split_connections(total: int) -> dict[str, int]:
    """PAGE_SHARES scaled to `total` connections, at least one per kind."""
    weight = sum(PAGE_SHARES.values())
    counts = {kind: max(1, round(total * share / weight)) for kind, share in PAGE_SHARES.items()}
    while sum(counts.values()) > total and max(counts.values()) > 1:
        counts[max(counts, key=counts.get)] -= 1
    while sum(counts.values()) < total:
        counts[min(counts, key=counts.get)] += 1
    return counts


class PlanClient:
    """One person generating plans: cookies (session, CSRF), the form, the submit, the wait page, the plan."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path_or_request, timeout=60):
        with self.opener.open(path_or_request, timeout=timeout) as response:
            return response.status, response.geturl(), response.read().decode()

    def plan(self, rng: random.Random) -> float:
        """Seconds from submitting the form to the plan page; raises on any failure."""
        status, _, page = self.open(self.base + "/plan/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        profile = {
            "age": rng.randint(20, 70), "sex": rng.choice(["female", "male"]), "weight_kg": rng.randint(55, 95),
            "height_cm": rng.randint(155, 190), "activity": "low",
            "diet": rng.choice(["omnivore", "pescatarian", "vegetarian", "vegan"]),
            "life_stage": "none", "days": 7, "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        body = urllib.parse.urlencode(profile).encode()
        request = urllib.request.Request(self.base + "/plan/", data=body, headers={"Referer": self.base + "/plan/"})
        started = time.perf_counter()
        status, url, page = self.open(request)
        while "/plan/wait/" in url and time.perf_counter() - started < 60:  # queued: poll like the page does
            time.sleep(0.1)
            status, url, page = self.open(url)
        elapsed = time.perf_counter() - started
        if status != 200 or 'id="day-7"' not in page:
            raise ValueError(f"no 7-day plan at {url} (status {status})")
        return elapsed


def run_wrk(wrk: str, base: str, kind: str, paths: list[str], connections: int, seconds: float, out: dict,
            cookie: str = "", requests: int = 0) -> None:
    """wrk on `paths` for `seconds`; with `requests`, each connection stops sending after that many answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    try:
        result = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s",
             *(["-H", f"Cookie: {cookie}"] if cookie else []),
             "-s", str(ROOT / "bench" / "wrk_paths.lua"), base, "--", handle.name,
             *([str(requests * connections)] if requests else [])],
            capture_output=True, text=True, check=True)
        out[kind] = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(handle.name)


def links_of(page: str, base: str) -> list[str]:
    """The site's own paths that a page links to with plain <a href>, in order, once each (no fragment, no query)."""
    found: list[str] = []
    for href in re.findall(r'<a [^>]*href="([^"#]+)"', page):
        path = urllib.parse.urlsplit(href).path if href.startswith(base) else href
        if path.startswith("/") and not path.startswith("//") and not path.startswith(SKIPPED_LINKS):
            path = urllib.parse.urlsplit(path).path
            if path not in found:
                found.append(path)
    return found


def kind_of(path: str) -> str:
    """The kind of address, ids aside: /dietitian/foods/12/ and /dietitian/foods/40/ are one kind."""
    return re.sub(r"/\d+(?=/|\.|$)", "/<id>", path)


def linked_pages(client: PlanClient, base: str, depth: int = 1) -> list[str]:
    """The site's own pages linked from the home page, then EXTRA_PAGES that answer 200, in order, once each.

    Inside DIETITIAN_AREA links are followed further, breadth first, up to `depth` clicks from the home page, one
    page per kind of address (`kind_of`), and only pages that answer 200 with HTML (not a PDF, say)."""
    _, _, home = client.open(base + "/")
    found = ["/", *[p for p in links_of(home, base) if p != "/"]]
    kinds = {kind_of(p) for p in found}
    frontier = [p for p in found if p.startswith(DIETITIAN_AREA)]
    for _ in range(depth - 1):
        following = []
        for path in frontier:
            try:
                with client.opener.open(base + path, timeout=60) as response:
                    if response.status != 200 or "html" not in response.headers.get("Content-Type", ""):
                        continue
                    page = response.read().decode()
            except (urllib.error.URLError, OSError):
                continue
            for link in links_of(page, base):
                if link.startswith(DIETITIAN_AREA) and kind_of(link) not in kinds:
                    kinds.add(kind_of(link))
                    found.append(link)
                    following.append(link)
        frontier = following
    for path in EXTRA_PAGES:
        if path in found:
            continue
        try:
            status, _, _ = client.open(base + path)
        except (urllib.error.URLError, OSError):
            continue
        if status == 200:
            found.append(path)
    return found


def sign_in(client: PlanClient, base: str, username: str, password: str) -> str:
    """Signs the client in through the sign-in form; returns its Cookie header."""
    _, _, page = client.open(base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
    client.open(urllib.request.Request(base + "/accounts/login/", data=body,
                                       headers={"Referer": base + "/accounts/login/"}))
    cookies = {c.name: c.value for c in client.jar}
    if "sessionid" not in cookies:
        raise SystemExit("bench/load.py --walk: could not sign in")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def walk(wrk: str | None, base: str, env: dict, args) -> int:
    """--walk: each page linked from the home page, one at a time, signed out, signed in and as a dietitian (who
    also follows links inside the dietitian's area, see `linked_pages`); one table."""
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "import runpy; runpy.run_path('bench/walk_accounts.py')"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    rows, failures = [], 0
    for who in [ROLES[role] for role in args.roles]:
        client = PlanClient(base)
        username = DIETITIAN if who == "dietitian" else PERSON
        cookie = sign_in(client, base, username, PASSWORD) if who != "signed out" else ""
        depth = args.depth if who == "dietitian" else 1
        for path in linked_pages(client, base, depth):
            if wrk:
                out: dict = {}
                run_wrk(wrk, base, path, [path], args.clients, args.seconds, out, cookie, args.requests)
                r = out[path]
                errors = r["errors"] + r["status_errors"]
                rows.append((who, path, r["count"], r["count"] / r["seconds"], r["p50"], r["p95"], r["p99"], errors))
            else:  # smoke mode without wrk (allowed only outside CI): a few requests from Python
                times, errors = [], 0
                for _ in range(5):
                    started = time.perf_counter()
                    try:
                        status, _, _ = client.open(base + path)
                        errors += status != 200
                    except (urllib.error.URLError, OSError):
                        errors += 1
                    times.append((time.perf_counter() - started) * 1000)
                rows.append((who, path, len(times), 0.0, percentile(times, 50), percentile(times, 95),
                             percentile(times, 99), errors))
            failures += rows[-1][-1]
    print(f"gunicorn {args.workers} workers; one page at a time, {args.clients} connections for {args.seconds:g} s "
          f"each{'' if wrk else ' (no wrk: 5 Python requests each)'}; {os.cpu_count()} cores")
    print(f"{'visitor':<11} {'page':<32} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}")
    for who, path, count, rate, p50, p95, p99, errors in rows:
        print(f"{who:<11} {path:<32} {count:>6} {rate:>7.1f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {errors:>7}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--plan-clients", type=int, default=2, help="clients that generate plans back to back")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (above 1: the gthread worker, with keep-alive)")
    parser.add_argument("--plan-workers", type=int, default=1, help="plan_worker processes (with the queue)")
    parser.add_argument("--plan-nice", type=int, default=0, help="run plan_worker under `nice -n N`")
    parser.add_argument("--no-queue", action="store_true", help="generate plans inside the web request")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--walk", action="store_true", help="every page linked from home, one at a time")
    parser.add_argument("--roles", default="out,in,dietitian",
                        help="with --walk: who walks, comma-separated among out (signed out), in (a person), dietitian")
    parser.add_argument("--depth", type=int, default=2,
                        help="with --walk: clicks from the home page the dietitian follows inside /dietitian/")
    parser.add_argument("--smoke", action="store_true", help="tiny run (1 s, 2 connections) so the bench cannot rot")
    parser.add_argument("--database-url", default="", help="run on this database instead of a throwaway PostgreSQL")
    parser.add_argument("--static-root", default=str(ROOT / "staticfiles"), help="where collectstatic writes")
    parser.add_argument("--db-name", default=LOAD_DB, help="the throwaway PostgreSQL database's name")
    args = parser.parse_args()
    args.roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    if unknown := set(args.roles) - set(ROLES):
        parser.error(f"--roles: unknown {', '.join(sorted(unknown))} (choose among {', '.join(ROLES)})")
    args.requests = 0  # answers per connection before wrk stops sending (0: for the whole --seconds)
    if args.smoke:
        args.seconds, args.clients, args.plan_clients, args.requests = 1, 3, 1, 10
    wrk = shutil.which("wrk")
    if wrk is None and not (args.smoke and args.walk and not os.environ.get("CI")):
        sys.exit("bench/load.py needs wrk: apt-get install wrk")
    queue = not args.no_queue and not args.walk
    own_db = not args.database_url

    env = dict(os.environ, DATABASE_URL=args.database_url or f"postgres://postgres@127.0.0.1:5432/{args.db_name}",
               DJANGO_DEBUG="0", DJANGO_SECRET_KEY="load-test-" + "k" * 50, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SESSION_COOKIE_SECURE="0", DJANGO_CSRF_COOKIE_SECURE="0",
               DJANGO_LOG_LEVEL="WARNING", DJANGO_STATIC_ROOT=args.static_root)
    if queue:
        env["REDIS_URL"] = REDIS_URL
        subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True)
    else:
        env.pop("REDIS_URL", None)
    if own_db:
        psql(f"DROP DATABASE IF EXISTS {args.db_name}")
        psql(f"CREATE DATABASE {args.db_name}")
    processes: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "load_reference_data")
        manage(env, "collectstatic", "--noinput")
        processes.append(subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(args.workers),
             "--threads", str(args.threads),
             "-b", f"127.0.0.1:{args.port}", "--timeout", "60", "--log-level", "warning"], cwd=ROOT, env=env))
        if queue:
            for _ in range(args.plan_workers):
                nice = ["nice", "-n", str(args.plan_nice)] if args.plan_nice else []
                processes.append(subprocess.Popen([*nice, sys.executable, "manage.py", "plan_worker"], cwd=ROOT,
                                                  env=env, stdout=subprocess.DEVNULL))
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        if args.walk:
            for _ in range(2):  # warm each worker
                for path in linked_pages(PlanClient(base), base):
                    urllib.request.urlopen(base + path, timeout=30)
            if walk(wrk, base, env, args):
                raise SystemExit("bench/load.py --walk: some requests failed")
            return
        food_ids = subprocess.run(["psql", env["DATABASE_URL"], "-Atc", "select id from nutrition_food"],
                                  check=True, capture_output=True, text=True).stdout.split()
        # warm each worker (templates, meal cache) so the figures are steady-state
        warm = PlanClient(base)
        for _ in range(3):
            warm.plan(random.Random(0))
            for path in ("/", "/foods/?q=oat", f"/foods/{food_ids[0]}/", "/plan/"):
                warm.open(base + path)

        paths = {
            "home": ["/"],
            "search": [f"/foods/?q={term}" for term in SEARCH_TERMS],
            "food": [f"/foods/{pk}/" for pk in food_ids],
            "plan_form": ["/plan/"],
        }
        connections = split_connections(args.clients - args.plan_clients)
        page_results: dict[str, dict] = {}
        plan_times: list[float] = []
        plan_errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def plan_loop(seed: int) -> None:
            rng, client = random.Random(seed), PlanClient(base)
            while time.monotonic() < deadline:
                try:
                    elapsed, problem = client.plan(rng), None
                except (urllib.error.URLError, OSError, ValueError) as error:
                    elapsed, problem = None, str(error)
                with lock:
                    if problem:
                        plan_errors.append(problem)
                    else:
                        plan_times.append(elapsed)

        threads = [threading.Thread(target=run_wrk, args=(wrk, base, kind, paths[kind], n, args.seconds,
                                                          page_results)) for kind, n in connections.items()]
        threads += [threading.Thread(target=plan_loop, args=(i,)) for i in range(args.plan_clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        mode = (f"plans on the queue ({args.plan_workers} plan_worker, nice {args.plan_nice})" if queue
                else "plans in the web request")
        worker = f"gthread x{args.threads}" if args.threads > 1 else "sync"
        print(f"gunicorn {args.workers} {worker} workers, PostgreSQL, {mode}; {args.clients} clients "
              f"({', '.join(f'{n} {k}' for k, n in connections.items())}, {args.plan_clients} plan); "
              f"{args.seconds:g} s; {os.cpu_count()} cores")
        print(f"{'request':<10} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
              f"{'goal p95':>9}")
        for kind, r in page_results.items():
            print(f"{kind:<10} {r['count']:>6} {r['count'] / r['seconds']:>7.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                  f"{r['p99']:>8.1f} {r['errors'] + r['status_errors']:>7} {GOALS_MS[kind]:>9}")
        if plan_times:
            ms = [t * 1000 for t in plan_times]
            print(f"{'plan':<10} {len(ms):>6} {len(ms) / args.seconds:>7.2f} {statistics.median(ms):>8.1f} "
                  f"{percentile(ms, 95):>8.1f} {percentile(ms, 99):>8.1f} {len(plan_errors):>7} {GOALS_MS['plan']:>9}")
        for problem in sorted(set(plan_errors))[:3]:
            print(f"  plan: {problem}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if own_db:
            psql(f"DROP DATABASE IF EXISTS {args.db_name}")
        if queue:
            subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], capture_output=True)


if __name__ == "__main__":
    main()
