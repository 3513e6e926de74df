"""Load benchmark of the web site and its insights page, not a test.

    python bench/load.py [--members 100000] [--users 50] [--seconds 60]
        [--spawn-rate 10] [--history-intros 1000000] [--week-intros 50000]
        [--workers N] [--keep-db]
    python bench/load.py --only insights [--members ...] [--history-intros ...]
        [--week-intros ...] [--requests 100] [--verify]

1. Creates a scratch database gv_load_<pid> next to DATABASE_URL's, migrates it
   and seeds it (bench/seed.py: COPY of matching.synthetic's members, verified
   emails, one known password, open offers with signed accept links, sessions of
   members who logged in earlier; --history-intros past intros in 50 weekly
   rounds; staff members with an authenticator app), then times the insights
   rollup in full, and incrementally after a normal week (a new round of
   --week-intros intros, some answered, and follow-up answers to an older
   round), each step of it.
2. Runs gunicorn (sync workers, cores + 1, as docker-compose.yml does: the
   pages are CPU-bound and PostgreSQL shares the cores, so more workers only
   time-slice requests and the p95 gets worse, see docs/history.md)
   with the production settings:
   DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, Redis dbs 8 (broker)
   and 9 (cache) on port 6379 unless LOAD_BENCH_REDIS_DBS and _PORT say
   otherwise. The settings have no switch for Secure cookies, so Locust sends
   X-Forwarded-Proto: https like the TLS proxy in front of production. STATIC_ROOT
   has no switch either: a two-line settings module in a temporary directory
   imports grapevyne.settings and points STATIC_ROOT at a collectstatic there.
3. Warms every worker up (a deployed server has served before), then runs Locust
   headless (bench/locustfile.py) against 127.0.0.1 only. Think time between a
   user's requests: LOAD_BENCH_THINK_MIN/MAX seconds (default 0.5 to 2, about 40
   requests/s offered by 50 users). Staff users log in with their password and
   an authenticator code, then read the insights page and its charts.
4. Prints requests per second, p50/p95/p99 per page, the error count and the
   load average, and the insights page's query count; the last line is one JSON
   object (rps, p95_ms, p99_ms, errors, pages, insights_queries, ...). Stops
   gunicorn and drops the scratch database, also on error or SIGTERM (unless
   --keep-db).

--only insights skips the open offers, the member sessions and Locust: after the
seeding and the timed rollups it logs a staff member in over HTTP and times
--requests requests of the insights page and of the learning page one after the
other (p50/p95; the insights page's first request after the rollup apart), its
charts drawn and then cached, and counts both pages' queries (the first request
and the next). --verify first runs a full rollup again and checks that it writes
what the incremental run wrote.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.cookiejar
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import (  # noqa: E402
    scratch_database,
    seed_history,
    seed_site,
    seed_staff,
    seed_week,
    totp_code,
)

VENV_BIN = Path(sys.executable).parent
# The Redis server (LOAD_BENCH_REDIS_PORT on 127.0.0.1) and databases
# (LOAD_BENCH_REDIS_DBS="broker,cache") the run uses and flushes, so that a run can
# keep apart from other work on the machine.
REDIS_PORT = int(os.environ.get("LOAD_BENCH_REDIS_PORT", "6379"))
BROKER_DB, CACHE_DB = (
    int(db) for db in os.environ.get("LOAD_BENCH_REDIS_DBS", "8,9").split(",")
)
TARGET_P95_MS = 200
# The insights page's own target (issue 13), for its page and charts.
INSIGHTS_TARGET_P95_MS = 300
INSIGHTS_MAX_QUERIES = 10
INSIGHTS_PAGES = ("insights (staff)", "insights chart (staff)")
SESSIONS = 200
# Staff members: one for the warm-up and the query count, the rest for Locust.
STAFF = 4
CHARTS = ("rounds", "weeks", "onboarding", "mission", "calibration")
LEARNING = "/insights/learning/"
# Not imported from the locustfile: importing locust patches the interpreter.
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str, secret_key: str, settings_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            # Locust plays the TLS proxy and says who each client is.
            "TRUSTED_PROXY_COUNT": "1",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BROKER_DB}",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/{BROKER_DB}",
            "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{REDIS_PORT}/{BROKER_DB}",
            "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/{CACHE_DB}",
            "CACHE_KEY_PREFIX": "gv-load",
            # Nothing may leave the machine: the web process only queues emails,
            # but a stray send must not reach a real SMTP server.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "SENTRY_DSN": "",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "gv_load_settings",
            "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
        }
    )
    return env


def flush_redis() -> None:
    import redis

    for db in (BROKER_DB, CACHE_DB):
        redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=db).flushdb()


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
        )
        try:
            # A worker's first request imports and connects: slow on a busy machine.
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError as error:
            last_error = error
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer in time: {last_error}")


def warm_up(base: str, data: dict, workers: int) -> None:
    """Each worker imports, compiles templates and connects once before timing."""
    session = data["sessions"][0]
    headers = {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={session}"}
    paths = [
        "/dashboard/",
        "/members/",
        f"/members/?interest={data['tag_slugs'][0]}",
        f"/members/?q={data['names'][0]}",
        f"/members/{data['member_ids'][0]}/",
        "/accounts/login/",
    ]
    staff = log_in(base, data["staff"][0]["email"], data["password"], data["staff"][0])
    for n in range(workers * 2):
        for path in paths:
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with (
                contextlib.suppress(urllib.error.HTTPError),
                urllib.request.urlopen(request, timeout=30) as response,  # noqa: S310
            ):
                response.read()
        log_in(base, data["emails"][-1 - n], data["password"])
        for path in ("/insights/", "/insights/charts/rounds.svg"):
            get(staff, base + path)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post_form(opener, url: str, origin: str, fields: dict) -> str:
    """POST a form (with the CSRF token of the page at url); the redirect's target."""
    headers = {"X-Forwarded-Proto": "https"}
    page_request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with opener.open(page_request, timeout=30) as page:
        found = CSRF_INPUT.search(page.read().decode())
        if found is None:
            raise RuntimeError(f"No CSRF token on {url}")
        token = found.group(1)
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode(),
        headers={**headers, "Origin": origin, "Referer": url},
    )
    try:
        opener.open(request, timeout=30).close()
    except urllib.error.HTTPError as answer:
        if answer.code == 302:
            return answer.headers["Location"]
        raise
    raise RuntimeError(f"{url} showed its form again")


def log_in(base: str, email: str, password: str, staff: dict | None = None):
    """Log in through the forms (and the authenticator code step, for staff);
    returns an opener holding the session."""
    jar = http.cookiejar.CookieJar(
        http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), _NoRedirects
    )
    origin = f"https://{urllib.parse.urlparse(base).netloc}"
    fields = {"login": email, "password": password}
    location = _post_form(opener, f"{base}/accounts/login/", origin, fields)
    if staff is not None:
        code_url = urllib.parse.urljoin(base, urllib.parse.urlparse(location).path)
        code = {"code": totp_code(staff["secret"])}
        location = _post_form(opener, code_url, origin, code)
    if "/accounts/" in location:
        raise RuntimeError(f"logging in as {email} ended at {location}")
    return opener


def get(opener, url: str) -> bytes:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with opener.open(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return response.read()


def _rollup(full: bool) -> tuple[float, dict]:
    from insights.services import insights_rollup

    t = time.perf_counter()
    result = insights_rollup(full=full)
    seconds = time.perf_counter() - t
    steps = ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    print(
        f"insights rollup {'full' if full else 'incremental'}: {seconds:.1f} s "
        f"({result.rounds} rounds, {result.weeks} weeks, "
        f"{'all' if result.members < 0 else result.members} members; {steps} s)",
        flush=True,
    )
    return round(seconds, 1), result.seconds


def time_rollups(members: int, week_intros: int) -> dict:
    """The insights rollup in full, then incrementally after a normal week."""
    full, full_steps = _rollup(full=True)
    week = seed_week(members, week_intros)
    print(
        f"a week later: round #{week['round']} proposed {week['intros']} intros, "
        f"{week['expired']} offers of the previous round expired, "
        f"{week['feedback']} follow-up answers to an older round",
        flush=True,
    )
    incremental, incremental_steps = _rollup(full=False)
    return {
        "rollup_full_s": full,
        "rollup_full_steps_s": full_steps,
        "rollup_incremental_s": incremental,
        "rollup_incremental_steps_s": incremental_steps,
        "rollup_week_intros": week["intros"],
        "rollup_week_expired": week["expired"],
        "rollup_week_feedback": week["feedback"],
    }


def summary_tables() -> dict:
    """Every insights summary row (surrogate ids aside), to compare two runs."""
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        for table in (
            "insights_roundfunnel",
            "insights_weekfunnel",
            "insights_roundbreakdown",
            "insights_memberexposure",
            "insights_signupcohort",
            "insights_waitingmember",
        ):
            cursor.execute(f"SELECT * FROM {table}")
            columns = [c.name for c in cursor.description]
            keep = [n for n, c in enumerate(columns) if c != "id"]
            tables[table] = sorted(
                (tuple(row[n] for n in keep) for row in cursor), key=repr
            )
        cursor.execute(
            "SELECT members, member_intros, gini, top_members, top_share "
            "FROM insights_rollup"
        )
        tables["insights_rollup"] = cursor.fetchall()
    return tables


def count_page_queries(staff_email: str, path: str = "/insights/") -> list[int]:
    """A staff page's queries, counted in this process (same settings and
    cache): its first request after the rollup, then the next one (the insights
    page keeps what it read from the summary tables per rollup)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from profiles.models import User

    cache.clear()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=staff_email))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        counts.append(len(queries))
    return counts


def _timings(ms: list[float]) -> dict:
    return {
        "requests": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
    }


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile, as Locust reports it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def read_stats(prefix: str) -> tuple[list[dict], dict]:
    pages, total = [], {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):

            def ms(key: str, row: dict = row) -> float | None:
                value = row.get(key, "N/A")
                return None if value in ("N/A", "") else float(value)

            entry = {
                "page": row["Name"],
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": ms("50%"),
                "p95_ms": ms("95%"),
                "p99_ms": ms("99%"),
                "max_ms": ms("100%"),
            }
            if row["Name"] == "Aggregated":
                total = entry
            else:
                pages.append(entry)
    return pages, total


def run(args, url: str) -> dict:
    settings_dir = tempfile.mkdtemp(prefix="gv_load_")
    try:
        env = _set_up_django(url, settings_dir)
        if args.only == "insights":
            return _run_insights(args, env, settings_dir)
        return _run(args, env, settings_dir)
    finally:
        shutil.rmtree(settings_dir, ignore_errors=True)


def _set_up_django(url: str, settings_dir: str) -> dict:
    """This process gets the server's settings: the seeding signs accept links
    and sessions with its key. Returns the server's environment."""
    secret_key = secrets.token_urlsafe(50)
    static_root = Path(settings_dir) / "static"
    Path(settings_dir, "gv_load_settings.py").write_text(
        "from grapevyne.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(static_root)!r}\n"
    )
    env = server_env(url, secret_key, settings_dir)
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    )
    os.environ.update({k: env[k] for k in ("REDIS_URL", "CACHE_URL", "EMAIL_BACKEND")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "gv_load_settings"
    sys.path.insert(0, settings_dir)
    import django

    django.setup()
    return env


def _seed(args, *, intros: int, sessions: int) -> tuple[dict, float]:
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = seed_site(args.members, intros=intros, sessions=sessions)
    seed_history(args.members, args.history_intros)
    data["staff"] = seed_staff(STAFF)
    # The pages' static URLs come from the manifest, in this process too.
    call_command("collectstatic", interactive=False, verbosity=0)
    seconds_seed = time.perf_counter() - t
    print(
        f"seeded {args.members} members and {args.history_intros} past intros "
        f"in {seconds_seed:.1f} s",
        flush=True,
    )
    return data, seconds_seed


@contextlib.contextmanager
def _server(env: dict, settings_dir: str, workers: int):
    """gunicorn with the production settings on a free port: yields its URL and
    a function returning what it logged so far."""
    flush_redis()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(Path(settings_dir, "gunicorn.log"), "w+", encoding="utf-8")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603 (the venv's gunicorn)
        [
            str(VENV_BIN / "gunicorn"),
            "grapevyne.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def server_log() -> str:
        log.seek(0)
        return log.read()

    try:
        try:
            wait_until_up(base, server)
        except RuntimeError:
            print(server_log()[-3000:], file=sys.stderr)
            raise
        yield base, server_log
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        flush_redis()


def _run_insights(args, env: dict, settings_dir: str) -> dict:
    """The insights page alone at scale: seeding, rollups, the page's latency."""
    from django.db import connections

    data, seconds_seed = _seed(args, intros=0, sessions=0)
    rollup = time_rollups(args.members, args.week_intros)
    verified = None
    if args.verify:
        incremental = summary_tables()
        _rollup(full=True)
        verified = summary_tables() == incremental
        print(f"incremental run equals a full recomputation: {verified}", flush=True)
    staff = data["staff"][0]
    queries = count_page_queries(staff["email"])
    learning_queries = count_page_queries(staff["email"], LEARNING)
    connections.close_all()
    workers = args.workers or (os.cpu_count() or 1) + 1
    load_before = os.getloadavg()
    with _server(env, settings_dir, workers) as (base, server_log):
        opener = log_in(base, staff["email"], data["password"], staff)
        # The first request after the rollup reads and draws its figures.
        t = time.perf_counter()
        get(opener, f"{base}/insights/")
        first_ms = (time.perf_counter() - t) * 1000
        charts_first = []
        for name in CHARTS:
            t = time.perf_counter()
            get(opener, f"{base}/insights/charts/{name}.svg")
            charts_first.append((time.perf_counter() - t) * 1000)
        for _ in range(workers * 2):  # each worker's first pages, untimed
            get(opener, f"{base}/insights/")
            get(opener, base + LEARNING)
        page_ms, chart_ms, learning_ms = [], [], []
        for n in range(args.requests):
            t = time.perf_counter()
            body = get(opener, f"{base}/insights/")
            page_ms.append((time.perf_counter() - t) * 1000)
            if b"Funnel per round" not in body:
                raise RuntimeError("the insights page lacks its funnel")
            t = time.perf_counter()
            get(opener, f"{base}/insights/charts/{CHARTS[n % len(CHARTS)]}.svg")
            chart_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            body = get(opener, base + LEARNING)
            learning_ms.append((time.perf_counter() - t) * 1000)
            if b"Shared rare interest: 0.6 and over" not in body:
                raise RuntimeError("the learning page lacks its calibration")
        server_errors = server_log().count("Traceback")
    load_after = os.getloadavg()
    page = _timings(page_ms)
    learning = _timings(learning_ms)
    chart = {
        "first_max_ms": round(max(charts_first), 1),
        "cached_p50_ms": round(percentile(chart_ms, 50), 1),
        "cached_p95_ms": round(percentile(chart_ms, 95), 1),
    }
    met = (
        page["p95_ms"] < INSIGHTS_TARGET_P95_MS
        and learning["p95_ms"] < INSIGHTS_TARGET_P95_MS
        and max(queries + learning_queries) <= INSIGHTS_MAX_QUERIES
        and not server_errors
        and verified is not False
    )
    print(
        f"\ninsights page, {args.requests} requests one after another: "
        f"p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, max {page['max_ms']} ms "
        f"(the first after the rollup {first_ms:.1f} ms); queries {queries[0]}, "
        f"then {queries[1]}\nlearning page, the same: p50 {learning['p50_ms']} ms, "
        f"p95 {learning['p95_ms']} ms, max {learning['max_ms']} ms; "
        f"{learning_queries[0]} queries\n"
        f"charts: first drawing up to {chart['first_max_ms']} ms, "
        f"cached p50 {chart['cached_p50_ms']} ms, p95 {chart['cached_p95_ms']} ms\n"
        f"server errors {server_errors}  load average {load_before[0]:.2f} -> "
        f"{load_after[0]:.2f}  target (p95 < {INSIGHTS_TARGET_P95_MS} ms, "
        f"<= {INSIGHTS_MAX_QUERIES} queries) met: {met}",
        flush=True,
    )
    return {
        "only": "insights",
        "members": args.members,
        "history_intros": args.history_intros,
        "seconds_seed": round(seconds_seed, 1),
        **rollup,
        "incremental_equals_full": verified,
        "insights_page": {**page, "first_ms": round(first_ms, 1)},
        "insights_queries": queries,
        "learning_page": learning,
        "learning_queries": learning_queries,
        "insights_charts": chart,
        "server_errors": server_errors,
        "workers": workers,
        "cores": os.cpu_count(),
        "load_avg_before": round(load_before[0], 2),
        "load_avg_after": round(load_after[0], 2),
        "target_met": met,
    }


def _run(args, env: dict, settings_dir: str) -> dict:
    from django.db import connections

    data, seconds_seed = _seed(args, intros=args.intros, sessions=SESSIONS)
    rollup = time_rollups(args.members, args.week_intros)
    queries = max(count_page_queries(data["staff"][0]["email"]))
    connections.close_all()
    data_path = Path(settings_dir, "data.json")
    data_path.write_text(json.dumps(data))
    workers = args.workers or (os.cpu_count() or 1) + 1
    prefix = str(Path(settings_dir, "locust"))
    with _server(env, settings_dir, workers) as (base, server_log):
        warm_up(base, data, workers)
        load_before = os.getloadavg()
        print(f"load average before the run: {load_before}", flush=True)
        locust_env = dict(env, LOAD_BENCH_DATA=str(data_path))
        locust = subprocess.run(  # noqa: S603 (the venv's locust)
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        load_after = os.getloadavg()
        server_text = server_log()
    if locust.returncode not in (0, 1):  # 1: some requests failed
        print(locust.stdout[-4000:], locust.stderr[-4000:], file=sys.stderr)
        raise RuntimeError(f"locust exited with {locust.returncode}")
    pages, total = read_stats(prefix)
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    server_errors = server_text.count("Traceback")

    print(f"\n{'page':<40} {'reqs':>6} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6}")
    for p in [*pages, total]:
        print(
            f"{p['method'] + ' ' + p['page']:<40} {p['requests']:>6} "
            f"{p['errors']:>4} {p['p50_ms']!s:>6} {p['p95_ms']!s:>6} "
            f"{p['p99_ms']!s:>6}"
        )
    if total.get("errors") or server_errors:
        print("\nfailures:\n" + failures[-3000:])
        print("server log (tail):\n" + server_text[-3000:])
    slow = [
        p["page"]
        for p in pages
        if (p["p95_ms"] or 0)
        >= (INSIGHTS_TARGET_P95_MS if p["page"] in INSIGHTS_PAGES else TARGET_P95_MS)
    ]
    errors = total.get("errors", 0) + server_errors
    print(
        f"\nrequests/s {total.get('rps')}  errors {errors}  "
        f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}  "
        f"pages over their p95 target ({TARGET_P95_MS} ms, insights "
        f"{INSIGHTS_TARGET_P95_MS} ms): {slow or 'none'}  "
        f"insights page queries: {queries}"
    )
    return {
        "rps": total.get("rps"),
        "p50_ms": total.get("p50_ms"),
        "p95_ms": total.get("p95_ms"),
        "p99_ms": total.get("p99_ms"),
        "errors": errors,
        "requests": total.get("requests"),
        "members": args.members,
        "users": args.users,
        "seconds": args.seconds,
        "workers": workers,
        "cores": os.cpu_count(),
        "load_avg_before": round(load_before[0], 2),
        "load_avg_after": round(load_after[0], 2),
        "seconds_seed": round(seconds_seed, 1),
        "history_intros": args.history_intros,
        **rollup,
        "insights_queries": queries,
        "slow_pages": slow,
        "target_met": not slow and errors == 0 and queries <= INSIGHTS_MAX_QUERIES,
        "pages": {
            f"{p['method']} {p['page']}": {
                k: p[k] for k in ("requests", "errors", "p50_ms", "p95_ms", "p99_ms")
            }
            for p in pages
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--intros", type=int, default=3000)
    parser.add_argument(
        "--history-intros",
        type=int,
        default=1_000_000,
        help="past intros in 50 weekly rounds, for the staff insights page",
    )
    parser.add_argument(
        "--week-intros",
        type=int,
        default=50_000,
        help="intros of the new round before the timed incremental rollup",
    )
    parser.add_argument(
        "--only",
        choices=["insights"],
        help="insights: the staff insights page alone, without Locust",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=100,
        help="--only insights: timed requests of the page",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="--only insights: check the incremental rollup against a full one",
    )
    parser.add_argument("--workers", type=int, default=0, help="default cores+1")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    # SIGTERM (timeout, kill) unwinds like an error: gunicorn stops, the DB goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    name = f"gv_load_{os.getpid()}"
    if args.keep_db:
        from bench.seed import admin_dsn

        url = os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grapevyne"
        )
        base, admin = admin_dsn(url)
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        result = run(args, f"{base}/{name}")
        print(f"kept database {name}", file=sys.stderr)
    else:
        with scratch_database(name) as url:
            result = run(args, url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
