"""Every benchmark in bench/ runs as its docstring says, in a smoke mode (tiny sizes), so none can rot.

Each runs in a child process as a person would run it, without REDIS_URL (the benches must work with or without
Redis). They are slow for tests (set-up dominates: migrate and the fixtures), so they are marked `bench`.
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.bench


def run_bench(*args: str, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_PAGES_URL", "DATABASE_URL",
                                                            "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_plan_bench_runs_without_redis():
    out = run_bench("bench/plan_bench.py", "--seeds", "1", "--profiles", "1")
    assert "p95" in out or "median" in out, out


def test_plan_bench_prints_a_bound_above_the_lp_bound_where_a_vitamin_d_meal_is_scarce():
    """The vegan teen's vitamin D comes from three meals, each at most twice a week: some day goes without, which the
    LP bound does not see and the disjunctive bound does; both gaps are printed, the second smaller."""
    out = run_bench("bench/plan_bench.py", "--seeds", "1", "--profile", "teen 16 boy vegan", "--no-leftovers",
                    "--bound-nodes", "0", "--lagrangian", "2")
    row = next(line for line in out.splitlines() if line.startswith("teen 16 boy vegan"))
    fields = row.split()[-17:]  # meals ... met % w/ (the name has spaces)
    lp_gap, disj_gap, objective, lp_bound, disj_bound, lagrange_bound = (
        float(fields[i]) for i in (6, 8, 10, 11, 12, 13)
    )
    assert lp_bound < disj_bound <= objective + 1e-6, row
    assert disj_gap < lp_gap, row
    assert lagrange_bound <= objective + 1e-6, row  # two rounds only: a weak bound, but a bound (nan fails too)
    assert "gap to the week LP bound:" in out and "gap to the disjunctive bound: median" in out, out
    assert "gap to the Lagrangian bound: median" in out and "gap to the best bound:" in out, out


def free_port() -> int:
    """A port nothing listens on now (not a fixed one: test runs in parallel, xdist workers or the SQLite and
    PostgreSQL halves of CI, would collide on it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_load_walk_smoke_walks_every_page_linked_from_home_signed_out_in_and_as_a_dietitian(tmp_path):
    if shutil.which("wrk") is None and os.environ.get("CI"):
        pytest.fail("wrk is missing: `make test` installs it (make wrk)")
    database = f"sqlite:///{tmp_path / 'load.sqlite3'}"
    out = run_bench("bench/load.py", "--walk", "--smoke", "--database-url", database, "--port", str(free_port()),
                    "--static-root", str(tmp_path / "static"))
    rows = [line.split() for line in out.splitlines() if line.startswith(("signed out", "signed in", "dietitian"))]
    pages = {(" ".join(row[:-7]), row[-7]) for row in rows}  # visitor, page (then count, req/s, p50, p95, p99, errors)
    for page in ("/", "/foods/", "/learn/", "/about/", "/privacy/", "/accounts/login/", "/plan/"):
        assert ("signed out", page) in pages, out
    assert ("signed in", "/plan/saved/") in pages, out
    assert not any(who != "dietitian" and page.startswith("/dietitian/") for who, page in pages), out
    # The dietitian reaches the workspace from the home page, and its lists and the clients list from there.
    for page in ("/", "/dietitian/", "/dietitian/foods/", "/dietitian/meals/", "/dietitian/review/",
                 "/dietitian/imports/", "/dietitian/clients/"):
        assert ("dietitian", page) in pages, out
    assert all(row[-1] == "0" for row in rows), out


def test_flood_smoke_runs_without_redis_and_reports_the_ratio(tmp_path):
    out = run_bench("bench/flood.py", "--smoke", "--sqlite", str(tmp_path / "flood.sqlite3"), "--port", "8797")
    rows = {line.split("  ")[0].strip(): line.split() for line in out.splitlines()
            if line.startswith(("baseline", "flood, "))}
    assert "baseline (no flood)" in rows and any(name.endswith("(measured)") for name in rows), out
    assert rows["baseline (no flood)"][-1] == "0", out  # no visitor errors
    assert "visitors' p95: baseline" in out and "ratio" in out and "load average" in out, out
    assert "flood answers by status (in all):" in out and "429" in out, out  # the flood was refused


def test_flood_bench_measures_the_limits_docs_deploy_gives():
    """bench/flood.py --nginx / --firewall put in front of the app what docs/deploy.md tells an operator to: the same
    nginx limit on solving URLs, whose refusals close the connection, and the same per-address limit on new
    connections in the kernel; if one side changes without the other the bench measures another deployment."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import flood
    finally:
        sys.path.remove(str(ROOT / "bench"))
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    for line in ("map $request_method $solve_key { POST $binary_remote_addr; default \"\"; }",
                 "limit_req_zone $solve_key zone=solves:10m rate=30r/m;", "limit_req zone=solves burst=10 nodelay;",
                 "limit_req_status 429;", "error_page 429 = @solve_refused;", "keepalive_timeout 0;",
                 "add_header Retry-After 60 always;", "proxy_set_header X-Forwarded-For $remote_addr;"):
        assert line in flood.NGINX_CONF.replace("{{", "{").replace("}}", "}"), line
        assert line in deploy, line
    rule = "tcp flags & (fin | syn | rst | ack) == syn"
    assert rule in flood.NFT_RULES and rule in deploy
    assert f"update @new_conn_v4 {{ ip saddr limit rate over {flood.FIREWALL_RATE} }} counter drop" in deploy


def test_import_bench_smoke_runs_on_a_fresh_clone():
    out = run_bench("bench/import_bench.py", "--smoke")
    assert "SR26 first 20 foods: first run {'seconds'" in out and "'created': 20" in out, out
    assert "'unchanged': 20" in out, out  # the second run changes nothing
    assert "FDC bundle: {'seconds'" in out and "'created': 50" in out, out


def test_page_cpu_smoke_times_every_page_with_no_error():
    out = run_bench("bench/page_cpu.py", "--smoke")  # exits non-zero when a page does not answer 200
    rows = [line.split() for line in out.splitlines() if line.startswith(("signed out", "signed in", "dietitian"))]
    pages = {row[-5] for row in rows}
    for page in ("/", "/learn/", "/about/", "/accounts/login/", "/accounts/signup/", "/plan/saved/", "/journal/",
                 "/dietitian/foods/", "/dietitian/meals/"):
        assert page in pages, out
    assert all(row[-1] == "0" for row in rows), out
