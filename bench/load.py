"""Load benchmark of the web site, not a test.

    python bench/load.py [--members 100000] [--users 50] [--seconds 60]
        [--spawn-rate 10] [--workers N] [--keep-db]

1. Creates a scratch database gv_load_<pid> next to DATABASE_URL's, migrates it
   and seeds it (bench/seed.py: COPY of matching.synthetic's members, verified
   emails, one known password, open offers with signed accept links, sessions of
   members who logged in earlier; --history-intros past intros in 50 weekly
   rounds and two staff sessions), then times the insights rollup, in full and
   incrementally after the latest round's intros changed.
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
   requests/s offered by 50 users).
4. Prints requests per second, p50/p95/p99 per page, the error count and the
   load average; the last line is one JSON object (rps, p95_ms, p99_ms, errors,
   pages, ...). Stops gunicorn and drops the scratch database, also on error or
   SIGTERM (unless --keep-db).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.cookiejar
import json
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

from bench.seed import scratch_database, seed_history, seed_site  # noqa: E402

VENV_BIN = Path(sys.executable).parent
# The Redis server (LOAD_BENCH_REDIS_PORT on 127.0.0.1) and databases
# (LOAD_BENCH_REDIS_DBS="broker,cache") the run uses and flushes, so that a run can
# keep apart from other work on the machine.
REDIS_PORT = int(os.environ.get("LOAD_BENCH_REDIS_PORT", "6379"))
BROKER_DB, CACHE_DB = (
    int(db) for db in os.environ.get("LOAD_BENCH_REDIS_DBS", "8,9").split(",")
)
TARGET_P95_MS = 200
SESSIONS = 200
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


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
                f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


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
    for n in range(workers * 2):
        for path in paths:
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            with (
                contextlib.suppress(urllib.error.HTTPError),
                urllib.request.urlopen(request, timeout=30) as response,  # noqa: S310
            ):
                response.read()
        _warm_up_login(base, data["emails"][-1 - n], data["password"])
        staff = {**headers, "Cookie": f"sessionid={data['staff_sessions'][0]}"}
        for path in ("/insights/", "/insights/charts/rounds.svg"):
            request = urllib.request.Request(base + path, headers=staff)  # noqa: S310
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _warm_up_login(base: str, email: str, password: str) -> None:
    """A login through the form, so that no worker meets its first one timed."""
    jar = http.cookiejar.CookieJar(
        http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
    )
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), _NoRedirects
    )
    origin = f"https://{urllib.parse.urlparse(base).netloc}"
    headers = {"X-Forwarded-Proto": "https"}
    url = f"{base}/accounts/login/"
    page_request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with opener.open(page_request, timeout=30) as page:
        token = CSRF_INPUT.search(page.read().decode()).group(1)
    form = {"csrfmiddlewaretoken": token, "login": email, "password": password}
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={**headers, "Origin": origin, "Referer": url},
    )
    try:
        opener.open(request, timeout=30).close()
    except urllib.error.HTTPError as answer:
        if answer.code == 302:  # logged in, sent on to the dashboard
            return
        raise
    raise RuntimeError(f"the warm-up login as {email} showed the form again")


def time_rollups(latest_round: int) -> dict:
    """The insights rollup in full, then after the latest round's intros changed
    (what a beat run meets while offers are being answered)."""
    from django.db import connection

    from insights.services import insights_rollup

    t = time.perf_counter()
    insights_rollup(full=True)
    full = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE introductions_introduction SET updated_at = now() WHERE id IN "
            "(SELECT introduction_id FROM matching_roundpair WHERE round_id = %s)",
            [latest_round],
        )
        touched = cursor.rowcount
    t = time.perf_counter()
    insights_rollup()
    incremental = time.perf_counter() - t
    print(
        f"insights rollup: full {full:.1f} s; incremental after {touched} intros "
        f"changed {incremental:.1f} s",
        flush=True,
    )
    return {
        "rollup_full_s": round(full, 1),
        "rollup_incremental_s": round(incremental, 1),
        "rollup_incremental_intros": touched,
    }


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
        return _run(args, url, settings_dir)
    finally:
        shutil.rmtree(settings_dir, ignore_errors=True)


def _run(args, url: str, settings_dir: str) -> dict:
    secret_key = secrets.token_urlsafe(50)
    static_root = Path(settings_dir) / "static"
    Path(settings_dir, "gv_load_settings.py").write_text(
        "from grapevyne.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(static_root)!r}\n"
    )
    env = server_env(url, secret_key, settings_dir)
    # The seeding signs the accept links and sessions with the server's key.
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    )
    os.environ.update({k: env[k] for k in ("REDIS_URL", "CACHE_URL", "EMAIL_BACKEND")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "gv_load_settings"
    sys.path.insert(0, settings_dir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    data = seed_site(args.members, intros=args.intros, sessions=SESSIONS)
    history = seed_history(args.members, args.history_intros)
    data["staff_sessions"] = history["staff_sessions"]
    seconds_seed = time.perf_counter() - t
    print(
        f"seeded {args.members} members and {args.history_intros} past intros "
        f"in {seconds_seed:.1f} s",
        flush=True,
    )
    rollup = time_rollups(history["latest_round"])
    connections.close_all()
    data_path = Path(settings_dir, "data.json")
    data_path.write_text(json.dumps(data))
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    flush_redis()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workers = args.workers or (os.cpu_count() or 1) + 1
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
    try:
        wait_until_up(base, server)
        warm_up(base, data, workers)
        prefix = str(Path(settings_dir, "locust"))
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
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        flush_redis()
    if locust.returncode not in (0, 1):  # 1: some requests failed
        print(locust.stdout[-4000:], locust.stderr[-4000:], file=sys.stderr)
        raise RuntimeError(f"locust exited with {locust.returncode}")
    pages, total = read_stats(prefix)
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    log.seek(0)
    server_log = log.read()
    log.close()
    server_errors = server_log.count("Traceback")

    print(f"\n{'page':<40} {'reqs':>6} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6}")
    for p in [*pages, total]:
        print(
            f"{p['method'] + ' ' + p['page']:<40} {p['requests']:>6} "
            f"{p['errors']:>4} {p['p50_ms']!s:>6} {p['p95_ms']!s:>6} "
            f"{p['p99_ms']!s:>6}"
        )
    if total.get("errors") or server_errors:
        print("\nfailures:\n" + failures[-3000:])
        print("server log (tail):\n" + server_log[-3000:])
    slow = [p["page"] for p in pages if (p["p95_ms"] or 0) >= TARGET_P95_MS]
    errors = total.get("errors", 0) + server_errors
    print(
        f"\nrequests/s {total.get('rps')}  errors {errors}  "
        f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}  "
        f"pages over {TARGET_P95_MS} ms at p95: {slow or 'none'}"
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
        "slow_pages": slow,
        "target_met": not slow and errors == 0,
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
