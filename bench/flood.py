"""Flood test: does a flood of plan posts from one address slow other visitors' pages down? Run by hand, loopback only.

    .venv/bin/python bench/flood.py [--seconds 20] [--ramp 10] [--visitors 4] [--flooders 8] [--workers 2]
                                    [--queue [--redis-url URL] [--plan-nice 10]] [--keep-db | --sqlite FILE]
                                    [--pg-database NAME] [--port 8766] [--nginx] [--firewall] [--pin]
                                    [--flood-rate N] [--flood-nice N] [--smoke]

It creates a throwaway PostgreSQL database (--pg-database, restful_plate_flood by default; or, with --sqlite, a
SQLite file kept for the next run), migrates it, loads the fixtures, collects the static files, and starts gunicorn
on 127.0.0.1 in production mode with the default rate limits (plans built in the web request, the worst case for a
flood, unless --queue puts them on a Redis queue with one plan_worker, niced as docs/deploy.md says: --redis-url,
default redis://127.0.0.1:6379/12, a scratch database that is flushed before and after).
With --nginx, nginx listens on --port in front of gunicorn (on --port + 1) with the per-address limit on the solving
URLs that docs/deploy.md gives (`limit_req`, POSTs only), as a deployment would have it. nginx is not installed
with the project: the bench runs the `nginx` on the PATH or /usr/sbin/nginx (Debian: `apt-get install nginx-light`,
as root; the bench starts its own nginx in the foreground, as the user running it, with a configuration in a
temporary directory, and stops it at the end). nginx's own refusals close the connection (`keepalive_timeout 0`
in `@solve_refused`, as docs/deploy.md has it), so each further post from a refused address needs a new connection.
With --firewall (implies --nginx; root and nftables, `apt-get install nftables`), docs/deploy.md's per-address limit
on new connections is also put in the kernel for the bench's port (an nftables table of its own, FIREWALL_TABLE,
added after the warm-up and deleted at the end): a SYN from an address past FIREWALL_RATE is dropped before nginx
sees it, so the flooding client waits for its SYN to be sent again (1 s, then 2, 4...) instead of posting again.
Then two phases:

1. baseline, --seconds: --visitors Python clients, back to back, over home, a foods search, a food page and the
   plan form, each time as a new visitor (no cookies, as most first visits are) from an address of its own in
   127.0.1.1-127.0.200.250 (the visitors stand for many people; per-address limits must not see them as one);
2. flood, --ramp + --seconds: --flooders threads (in a process of their own, so that they do not take the
   visitors' interpreter lock) post complete 7-day plan forms from 127.0.0.2, a second loopback address (the rate
   limits count per address; a real flood would come from one), each on one kept-alive connection where the server
   keeps it (nginx does; gunicorn's sync workers close each), as fast as they can or, with --flood-rate, N posts a
   second in all. The same visitors run throughout; their pages in the first --ramp seconds (while the flood
   spends its allowance of plans: settings.RATE_LIMITS; each plan is seconds of solving) and after it are reported
   apart. If a plan is answered after the ramp the bench says so: the measured part then holds a solve, and the
   ramp should be longer (on a busy machine, or pinned to one core, 4 plans take more than 10 s).

Where the load generator runs. On one machine the flooding client's own CPU (an HTTP client in Python costs about
what a refusal costs the server) is taken from the same cores as the server's, which a real flood from another
machine would not take. Two ways to read the result:

- not pinned (the default): everything on all the cores, as the bench always ran. The ratio then measures the
  server's cost of the flood plus the load generator's.
- --pin: the flooding process is pinned (sched_setaffinity) to the last CPU, and the bench process (the visitors)
  and everything it starts after set-up (gunicorn, nginx, plan_worker) to the other CPUs, in BOTH phases, so the
  baseline and the flood see the same server CPU: the flood's client costs the server's CPU nothing, as if it came
  from another machine. Not pinned, and so shared by both sides: PostgreSQL and Redis (system services; with no
  Redis the rate limits and the page cache read PostgreSQL), the kernel's loopback networking, and whatever else
  the machine runs (on a shared machine, other people's work lands on the server's CPU as much as anywhere). On a
  2-core machine the server and the visitors get one core; the visitors' client work is on it in both phases.
  (A cgroup with a CPU cap on the flooder would also keep it off the server's time, but it caps the flood's rate;
  pinning leaves the flood as fast as one core can send.)

Whether a flood "as fast as the client can" is the same flood in each mode: no. It is a closed loop, so a server that
refuses faster is flooded harder (behind nginx, with kept-alive connections, the client sends ten times as many
posts as to gunicorn). --flood-rate gives every mode the same flood.

It prints a table: the visitors' p50/p95/p99 in each phase, the flood's answers by status, the CPU the flooding
client used, the server's CPU (gunicorn's processes, nginx, plan_worker and the PostgreSQL backends connected to the
bench's database, from /proc) in the baseline and in the measured part of the flood with the flood's share per
refused post (the measured part's CPU less the visitors' pages at the baseline's CPU per page), and the ratio of the
visitors' p95 under the flood (after the ramp) to the baseline p95 (the goal: at most 1.2), with the load average
before and after and the pinning, then stops everything and drops the database. The whole run is bounded (--ramp +
--seconds x 2 plus set-up; every request has a 30 s timeout). On a busy shared machine the figures move with
everything else running: run it more than once before reading much into a few per cent. --smoke is a tiny run (1 s
phases, one visitor, two flooders) that only checks that the bench works (tests/test_benches.py).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
FLOOD_DB = "restful_plate_flood"
REDIS_URL = "redis://127.0.0.1:6379/12"  # the default scratch Redis database, flushed before and after (--queue)
SEARCH_TERMS = ["lentil", "spinach", "salmon", "oat", "bean", "milk", "egg", "rice", "kiwi", "tofu"]
FLOODER_ADDRESS = "127.0.0.2"
GOAL_RATIO = 1.2


def psql(sql: str) -> None:
    subprocess.run(["psql", DB_ADMIN_URL, "-qc", sql], check=True, capture_output=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=900)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def request(port: int, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
            source: str = "127.0.0.1") -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        connection.close()


def visitor_address(visitor: int, page: int) -> str:
    """A new visitor's own loopback address, 127.0.1.1 to 127.0.200.250 (the flood comes from 127.0.0.2): the
    visitors stand for many people, so per-address limits (the app's, nginx's, --firewall's) must not count them as
    one address."""
    k = visitor * 10_007 + page
    return f"127.0.{1 + (k // 250) % 200}.{1 + k % 250}"


def visit_loop(port: int, paths: list[str], seed: int, until: float, times: list[tuple[float, float]],
               errors: list[str]) -> None:
    """One visitor: pages back to back until `until`, each as a new visitor from an address of its own; each
    page's (start, ms) goes into `times`."""
    rng = random.Random(seed)
    page = 0
    while time.monotonic() < until:
        path = rng.choice(paths)
        page += 1
        started_at, started = time.monotonic(), time.perf_counter()
        try:
            status, _, _ = request(port, "GET", path, source=visitor_address(seed, page))
        except OSError as error:
            errors.append(str(error))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            errors.append(f"{path}: {status}")
        times.append((started_at, elapsed))


def flood_loop(port: int, seed: int, until: float, answers: list, rate: float = 0) -> None:
    """One flooding thread: a form page for its cookie and token, then 7-day plan posts back to back (or `rate` a
    second, when it can keep up), on one connection for as long as the server keeps it open (gunicorn's sync
    workers close each; nginx keeps it)."""
    rng = random.Random(seed)
    _, headers, page = request(port, "GET", "/plan/", source=FLOODER_ADDRESS)
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(FLOODER_ADDRESS, 0))
    next_at = time.monotonic()
    while time.monotonic() < until:
        if rate:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at + 1 / rate, time.monotonic())  # behind: no burst to catch up
        form = {"age": rng.randint(20, 70), "sex": rng.choice(["female", "male"]), "weight_kg": rng.randint(55, 95),
                "height_cm": rng.randint(155, 190), "activity": "low",
                "diet": rng.choice(["omnivore", "vegetarian", "vegan"]), "life_stage": "none", "days": 7,
                "csrfmiddlewaretoken": token}
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                   "Referer": f"http://127.0.0.1:{port}/plan/"}
        try:  # http.client opens a new connection when the last answer closed it
            connection.request("POST", "/plan/", body=urllib.parse.urlencode(form).encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            status = "error"
        answers.append((time.monotonic(), status))
    connection.close()


def flood_process(port: int, flooders: int, seconds: float, results, nice: int = 0,
                  cpus: set[int] | None = None, rate: float = 0) -> None:
    """The flood, in a process of its own: `flooders` threads for `seconds`; (time, status) of each answer back.
    With `cpus` (--pin) it runs on those CPUs only."""
    if cpus:
        os.sched_setaffinity(0, cpus)
    if nice:
        os.nice(nice)
    answers: list = []
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=flood_loop, args=(port, 1000 + i, until, answers, rate / flooders))
               for i in range(flooders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put((answers, usage.ru_utime + usage.ru_stime))


def run_phase(port: int, paths: list[str], args, flood: bool) -> dict:
    """Visitors for --seconds; with `flood`, the flood runs too and the visitors start with it, --ramp seconds
    earlier (their pages in the ramp are kept apart). time.monotonic() is one clock for both processes."""
    times: list[tuple[float, float]] = []
    errors: list[str] = []
    ramp = args.ramp if flood else 0
    flooder = results = None
    if flood:
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        flooder = context.Process(target=flood_process,
                                  args=(port, args.flooders, ramp + args.seconds, results, args.flood_nice,
                                        args.flood_cpus, args.flood_rate))
        flooder.start()
    started = time.monotonic()
    until = started + ramp + args.seconds
    visitors = [threading.Thread(target=visit_loop, args=(port, paths, i, until, times, errors))
                for i in range(args.visitors)]
    for thread in visitors:
        thread.start()
    time.sleep(max(0.0, started + ramp - time.monotonic()))
    measured_from = server_cpu(args)  # the server's CPU in the measured part only: after the ramp's solves
    for thread in visitors:
        thread.join(timeout=ramp + args.seconds + 60)
    time.sleep(max(0.0, until - time.monotonic()))  # with no visitors (--visitors 0: the flood alone), the full time
    server_cpu_used = server_cpu(args) - measured_from
    answers, flood_cpu = [], 0.0
    if flooder is not None:
        answers, flood_cpu = results.get(timeout=90)
        flooder.join(timeout=30)
    ramp_end = started + ramp
    return {
        "ramp": [ms for at, ms in times if at < ramp_end],
        "times": [ms for at, ms in times if at >= ramp_end],
        "errors": errors,
        "answers": collections.Counter(status for _, status in answers),
        "ramp answers": collections.Counter(status for at, status in answers if at < ramp_end),
        "flood cpu": flood_cpu,
        "server cpu": server_cpu_used,  # in the measured part
        "posts": sum(1 for at, _ in answers if at >= ramp_end),  # in the measured part
        "last plan": max((at - started for at, status in answers if status != 429), default=None),
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(args) -> float:
    """CPU seconds (user + system) used so far by the server: the processes the bench started and their descendants
    (gunicorn's master and workers, nginx, plan_worker) and the PostgreSQL backends connected to its database (the
    cache's reads when there is no Redis; they live as long as the app's connections, CONN_MAX_AGE), from /proc. A
    process that ended is no longer counted (gunicorn's workers and the backends live through a run)."""
    pids = list(args.server_pids)
    if not args.sqlite:
        sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{args.pg_database}' AND pid <> pg_backend_pid()"
        pids += map(int, subprocess.run(["psql", DB_ADMIN_URL, "-Atc", sql], capture_output=True,
                                        text=True).stdout.split())
    children: dict[int, list[int]] = collections.defaultdict(list)
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(entry.name))  # ppid
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    total, todo = 0.0, list(pids)
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def row(name: str, times: list[float], seconds: float, errors: int | str = "") -> float | None:
    if not times:
        print(f"{name:<36} {'no pages':>8}")
        return None
    p95 = percentile(times, 95)
    print(f"{name:<36} {len(times):>6} {len(times) / seconds:>7.1f} {statistics.median(times):>8.1f} {p95:>8.1f} "
          f"{percentile(times, 99):>8.1f} {errors:>7}")
    return p95


# docs/deploy.md's per-address limit on the solving URLs, in front of gunicorn (--nginx).
NGINX_CONF = """
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    map $request_method $solve_key {{ POST $binary_remote_addr; default ""; }}
    limit_req_zone $solve_key zone=solves:10m rate=30r/m;
    upstream restful_plate {{ server 127.0.0.1:{app_port}; }}
    server {{
        listen 127.0.0.1:{port};
        location ~ ^/plan/($|[^/]+/(swap|regenerate)/) {{
            limit_req zone=solves burst=10 nodelay;
            limit_req_status 429;
            error_page 429 = @solve_refused;
            proxy_pass http://restful_plate;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
        location @solve_refused {{
            keepalive_timeout 0;  # close the connection: each further post needs a new one (--firewall limits them)
            default_type text/plain;
            add_header Retry-After 60 always;
            return 429 "Too many plans asked for from your address. Please try again in a minute.\n";
        }}
        location / {{
            proxy_pass http://restful_plate;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


# docs/deploy.md's per-address limit on new connections (--firewall), on the bench's port only: a SYN from an
# address that opened more than FIREWALL_RATE connections is dropped in the kernel, before nginx or the app sees it.
FIREWALL_TABLE = "restful_plate_flood_bench"
FIREWALL_RATE = "20/second burst 60 packets"
NFT_RULES = """
table inet {table} {{
    set new_conn_v4 {{ type ipv4_addr; flags dynamic; timeout 1m; size 65536; }}
    chain input {{
        type filter hook input priority filter; policy accept;
        tcp dport {port} tcp flags & (fin | syn | rst | ack) == syn \\
            update @new_conn_v4 {{ ip saddr limit rate over {rate} }} counter drop
    }}
}}
"""


def check_firewall() -> None:
    if not Path(shutil.which("nft") or "/usr/sbin/nft").exists() or os.geteuid() != 0:
        sys.exit("--firewall needs nftables (apt-get install nftables) and root")


def start_firewall(port: int) -> None:
    nft = shutil.which("nft") or "/usr/sbin/nft"
    stop_firewall()
    rules = NFT_RULES.format(table=FIREWALL_TABLE, port=port, rate=FIREWALL_RATE)
    subprocess.run([nft, "-f", "-"], input=rules, text=True, check=True)


def firewall_drops() -> int:
    listing = subprocess.run(["nft", "list", "table", "inet", FIREWALL_TABLE], capture_output=True, text=True).stdout
    return sum(int(n) for n in re.findall(r"counter packets (\d+)", listing))


def stop_firewall() -> None:
    nft = shutil.which("nft") or "/usr/sbin/nft"
    if Path(nft).exists():
        subprocess.run([nft, "delete", "table", "inet", FIREWALL_TABLE], capture_output=True)


def start_nginx(port: int, app_port: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("--nginx needs nginx (apt-get install nginx-light)")
    tmp = tempfile.mkdtemp(prefix="flood-nginx-")
    os.chmod(tmp, 0o755)  # nginx's worker runs as an unprivileged user when started as root
    conf = Path(tmp) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, app_port=app_port))
    return subprocess.Popen([nginx, "-p", tmp, "-c", str(conf), "-g", "daemon off;"])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of the baseline and of the measured flood")
    parser.add_argument("--visitors", type=int, default=4)
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--ramp", type=float, default=10,
                        help="seconds the flood runs before the measured part (it spends its allowance)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--queue", action="store_true", help="plans on a Redis queue with one plan_worker")
    parser.add_argument("--plan-nice", type=int, default=10,
                        help="run plan_worker under `nice -n N` (docs/deploy.md runs it at Nice=10; 0: not niced)")
    parser.add_argument("--redis-url", default=REDIS_URL, help="the scratch Redis database of --queue (flushed)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--sqlite", metavar="FILE",
                        help="a SQLite file instead of PostgreSQL (faster set-up; kept and reused if it has foods)")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the database and reuse it next time (set-up takes minutes on a busy machine)")
    parser.add_argument("--pg-database", default=FLOOD_DB, help="the throwaway PostgreSQL database's name")
    parser.add_argument("--nginx", action="store_true",
                        help="put nginx in front, with docs/deploy.md's per-address limit on solving URLs "
                             "(gunicorn then listens on --port + 1)")
    parser.add_argument("--firewall", action="store_true",
                        help="also docs/deploy.md's per-address limit on new connections, in the kernel (nftables, "
                             "root): implies --nginx, whose refusals then close the connection")
    parser.add_argument("--flood-nice", type=int, default=0,
                        help="run the flooding client under nice N: on a machine it shares with the server, a flood "
                             "that is refused cheaply is soon limited by the client's own CPU, which a real flood "
                             "from elsewhere would not take from the server")
    parser.add_argument("--flood-rate", type=float, default=0,
                        help="posts a second the flood sends in all, when it can (0: as fast as its threads can, "
                             "which grows as the server answers faster: the same flood for every mode needs a rate)")
    parser.add_argument("--pin", action="store_true",
                        help="pin the flooding client to the last CPU and gunicorn, nginx, plan_worker and the "
                             "visitors to the others, in both phases: the server's cost of a flood from another "
                             "machine, not the load generator's")
    parser.add_argument("--smoke", action="store_true", help="a tiny run that checks the bench works")
    args = parser.parse_args()
    args.nginx |= args.firewall
    if args.firewall:
        check_firewall()
    if args.smoke:
        args.seconds, args.ramp, args.visitors, args.flooders = 1, 1, 1, 2
    # A `timeout` or kill still stops gunicorn and drops the database (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("flood.py: stopped"))

    static_root = tempfile.mkdtemp(prefix="flood-static-")
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.pg_database}",
               DJANGO_DEBUG="0", DJANGO_SECRET_KEY="flood-test-" + "k" * 50, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SESSION_COOKIE_SECURE="0", DJANGO_CSRF_COOKIE_SECURE="0",
               DJANGO_LOG_LEVEL="WARNING", DJANGO_STATIC_ROOT=static_root)
    env.pop("REDIS_URL", None)
    app_port = args.port + 1 if args.nginx else args.port
    if args.nginx:
        env["DJANGO_TRUSTED_PROXIES"] = "1"  # nginx puts the address it saw in X-Forwarded-For, as docs/deploy.md
    if args.sqlite:
        env["DATABASE_URL"] = f"sqlite:///{Path(args.sqlite).resolve()}"
        args.keep_db = True
    if args.queue:
        env["REDIS_URL"] = args.redis_url
        subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], check=True, capture_output=True)
    exists_sql = f"SELECT 1 FROM pg_database WHERE datname = '{args.pg_database}'"
    exists = subprocess.run(["psql", DB_ADMIN_URL, "-Atc", exists_sql],
                            capture_output=True, text=True).stdout.strip() == "1"
    if not args.sqlite and not (args.keep_db and exists):
        psql(f"DROP DATABASE IF EXISTS {args.pg_database}")
        psql(f"CREATE DATABASE {args.pg_database}")
    processes: list[subprocess.Popen] = []
    try:
        for step in (("migrate", "--noinput"), ("createcachetable",), ("load_reference_data",),
                     ("collectstatic", "--noinput")):  # load_reference_data leaves a database with foods alone
            print(f"set-up: manage.py {step[0]}", file=sys.stderr, flush=True)
            manage(env, *step)
        # A kept database keeps the last run's rate-limit counts: each run starts with the flood's allowance unspent.
        manage(env, "shell", "-v", "0", "-c", "from django.core.cache import cache; cache.clear()")
        ids = "from nutrition.models import Food; print(*Food.objects.values_list('pk', flat=True)[:50])"
        food_ids = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", ids], cwd=ROOT, env=env,
                                  check=True, capture_output=True, text=True).stdout.split()
        args.flood_cpus = None
        if args.pin:  # from here on the bench (the visitors) and what it starts keep off the flood's CPU
            cpus = sorted(os.sched_getaffinity(0))
            if len(cpus) < 2:
                sys.exit("--pin needs at least two CPUs")
            args.flood_cpus, args.server_cpus = {cpus[-1]}, set(cpus[:-1])
            os.sched_setaffinity(0, args.server_cpus)
        processes.append(subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(args.workers),
             "-b", f"127.0.0.1:{app_port}", "--timeout", "60", "--log-level", "warning"], cwd=ROOT, env=env))
        if args.nginx:
            processes.append(start_nginx(args.port, app_port))
        if args.queue:
            nice = ["nice", "-n", str(args.plan_nice)] if args.plan_nice else []  # as docs/deploy.md's Nice=
            processes.append(subprocess.Popen([*nice, sys.executable, "manage.py", "plan_worker"], cwd=ROOT, env=env,
                                              stdout=subprocess.DEVNULL))
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        paths = ["/", "/plan/", *(f"/foods/?q={t}" for t in SEARCH_TERMS), *(f"/foods/{pk}/" for pk in food_ids[:50])]
        for path in paths:  # warm the page cache and every worker's templates
            for _ in range(args.workers):
                request(args.port, "GET", path)

        args.server_pids = [process.pid for process in processes]
        if args.firewall:  # after the warm-up, which comes from one address: the baseline and the flood both have it
            start_firewall(args.port)
        load_before = load_average()
        baseline = run_phase(args.port, paths, args, flood=False)
        flooded = run_phase(args.port, paths, args, flood=True)
        load_after = load_average()

        mode = (f"plans on the queue (1 plan_worker, nice {args.plan_nice})" if args.queue
                else "plans in the web request")
        if args.nginx:
            mode += ", behind nginx with docs/deploy.md's limit on solving URLs"
        if args.firewall:
            mode += f" and its per-address limit on new connections ({FIREWALL_RATE}, nftables)"
        database = "SQLite" if args.sqlite else "PostgreSQL"
        if args.pin:
            cpus = (f"pinned: gunicorn{', nginx' if args.nginx else ''}{', plan_worker' if args.queue else ''} and "
                    f"the visitors on CPU {','.join(map(str, sorted(args.server_cpus)))} in both phases, the "
                    f"flooding client alone on CPU {','.join(map(str, sorted(args.flood_cpus)))} (a flood from "
                    f"another machine; the database, Redis and the other engineers' work are not pinned)")
        else:
            cpus = f"not pinned: everything, the flooding client included, on all {os.cpu_count()} cores (shared)"
        pace = f"{args.flood_rate:g} posts/s in all" if args.flood_rate else "as fast as they can"
        print(f"gunicorn {args.workers} sync workers, {database}, {mode}; {args.visitors} visitors (each page a new "
              f"visitor from an address of its own in 127.0.1-200.x), {args.flooders} flooding threads on "
              f"{FLOODER_ADDRESS} ({pace}); {cpus}; load average {load_before} before, {load_after} after")
        print(f"{'visitors pages, phase':<36} {'pages':>6} {'pages/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
              f"{'errors':>7}")
        before = row("baseline (no flood)", baseline["times"], args.seconds, len(baseline["errors"]))
        ramp = row(f"flood, first {args.ramp:g} s (allowance spent)", flooded["ramp"], args.ramp)
        during = row(f"flood, next {args.seconds:g} s (measured)", flooded["times"], args.seconds,
                     len(flooded["errors"]))
        for name, when in (("ramp answers", f"first {args.ramp:g} s"), ("answers", "in all")):
            answers = ", ".join(f"{status}: {count}" for status, count in sorted(flooded[name].items(), key=str))
            print(f"flood answers by status ({when}): {answers or 'none'}")
        seconds = args.ramp + args.seconds
        total = sum(flooded["answers"].values())
        where = f"on CPU {','.join(map(str, sorted(args.flood_cpus)))}" if args.pin else "on the same cores"
        print(f"the flooding client itself ({where}, nice {args.flood_nice}) used "
              f"{flooded['flood cpu']:.1f} s of CPU in {seconds:g} s for {total} posts ({total / seconds:.0f}/s)")
        server = ("gunicorn" + (", nginx" if args.nginx else "") + (", plan_worker" if args.queue else "")
                  + ("" if args.sqlite else ", PostgreSQL's backends for its database"))
        per_page = baseline["server cpu"] / max(1, len(baseline["times"]))
        extra = flooded["server cpu"] - per_page * len(flooded["times"])
        posts = flooded["posts"]
        per_post = f"{extra / posts * 1000:.2f} ms per refused post" if posts else "no posts"
        if args.firewall:
            print(f"SYNs from the flood's address dropped by the firewall (both phases): {firewall_drops()}")
        print(f"the server's CPU ({server}): baseline {baseline['server cpu']:.1f} s ({per_page * 1000:.2f} ms a "
              f"page), measured part of the flood {flooded['server cpu']:.1f} s for {len(flooded['times'])} pages and "
              f"{posts} posts: the flood's share about {per_post}")
        if flooded["last plan"] is not None and flooded["last plan"] > args.ramp:
            print(f"  NOTE: the flood's last plan (or error) was answered {flooded['last plan']:.1f} s into the flood, "
                  f"after the {args.ramp:g} s ramp: solves fell in the measured part (a longer --ramp separates them)")
        if before and during:
            ratio = during / before
            verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
            print(f"visitors' p95: baseline {before:.1f} ms, under the flood {during:.1f} ms, ratio {ratio:.2f} "
                  f"(goal <= {GOAL_RATIO}: {verdict})")
            if ramp:
                print(f"  while the flood spent its allowance: p95 {ramp:.1f} ms, ratio {ramp / before:.2f}")
        for problem in sorted(set(baseline["errors"] + flooded["errors"]))[:3]:
            print(f"  visitor error: {problem}")
    finally:
        if args.firewall:
            stop_firewall()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        if not args.keep_db and not args.sqlite:
            psql(f"DROP DATABASE IF EXISTS {args.pg_database}")
        if args.queue:
            subprocess.run(["redis-cli", "-u", args.redis_url, "flushdb"], capture_output=True)


if __name__ == "__main__":
    main()
