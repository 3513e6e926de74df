"""Benchmark of a whole matching round against PostgreSQL, not a test.

    python bench/matching.py --members 100000 [--no-baseline] [--seed 7]
        [--baseline-timeout 900]

Creates a scratch database gv_bench_<pid> next to DATABASE_URL's, migrates it,
writes synthetic members (matching.synthetic's distribution) straight into it with
COPY, runs a full round in-process (load, score, pair, write), optionally times the
PostgreSQL self-join a Django developer would write first, prints the figures and
drops the scratch database, also on error or SIGTERM. Django runs with DEBUG off,
as in a worker. The last line is one JSON object.

Speedup: the self-join computes IDF-cosine scores and each member's top k, which is
what the engine's load + score phases do (read the arrays from PostgreSQL, score,
keep the top k), so `speedup` = baseline / (seconds_load + seconds_score). Also
given: `speedup_whole_round` = baseline / seconds_total, a whole round (with pairing,
explanations and every write) against the self-join alone. When the self-join hits
--baseline-timeout, baseline_seconds is that timeout, both ratios are lower bounds
and `speedup_is_lower_bound` is true.
"""

import argparse
import json
import os
import secrets
import signal
import struct
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import scratch_database  # noqa: E402

PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def copy_text(cursor, model, n: int, columns: dict) -> None:
    """COPY n rows of `model`: given columns are arrays or scalars; every other
    NOT NULL column gets its field default, nullable ones NULL."""
    from django.db import connection

    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in columns:
            names.append(f.column)
            values.append(columns[f.column])
        elif not f.null and not f.primary_key:
            default = f.get_default()
            if callable(default):
                default = default()
            names.append(f.column)
            values.append(_text(f.get_db_prep_save(default, connection)))
    cols = []
    for v in values:
        if isinstance(v, np.ndarray | list):
            cols.append([_text(x) for x in (v.tolist() if hasattr(v, "tolist") else v)])
        else:
            cols.append([_text(v)] * n)
    table = model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in names)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        step = 100_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            rows = ["\t".join(col[i] for col in cols) for i in range(lo, hi)]
            copy.write("\n".join(rows) + "\n")


def copy_binary_int8(cursor, table: str, columns: list[str], arrays, ts=None):
    """COPY fixed-width int8 columns (plus one constant timestamptz) in binary."""
    fields = [("n", ">i2")]
    for c in columns:
        fields += [(f"l_{c}", ">i4"), (c, ">i8")]
    if ts is not None:
        fields += [("l_ts", ">i4"), ("ts", ">i8")]
    rows = np.empty(len(arrays[0]), dtype=np.dtype(fields))
    rows["n"] = len(columns) + (ts is not None)
    for c, a in zip(columns, arrays, strict=True):
        rows[f"l_{c}"] = 8
        rows[c] = a
    names = list(columns)
    if ts is not None:
        rows["l_ts"] = 8
        rows["ts"] = int((ts - PG_EPOCH) / timedelta(microseconds=1))
        names.append("created_at")
    header = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
    with cursor.copy(
        f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.write(header)
        step = 1_000_000
        for lo in range(0, len(rows), step):
            copy.write(rows[lo : lo + step].tobytes())
        copy.write(struct.pack(">h", -1))


def load_members(n: int, seed: int) -> dict:
    """Synthetic members, written with COPY. Returns the generation figures."""
    from django.db import connection

    from matching.synthetic import (
        N_GOAL_KINDS,
        N_SPECIALTIES,
        N_TAGS,
        synthetic_population,
    )
    from profiles.models import (
        GoalKind,
        Interest,
        InterestCategory,
        Profile,
        Specialty,
        User,
    )

    pop = synthetic_population(n, seed=seed)
    now = datetime.now(tz=UTC)
    category = InterestCategory.objects.create(name="Bench", slug="bench")
    interests = Interest.objects.bulk_create(
        Interest(
            name=f"Tag {t}",
            slug=f"tag-{t}",
            category=category,
            # A few rare tags are sensitive: they score like any other.
            sensitive=t % 97 == 96,
        )
        for t in range(N_TAGS)
    )
    kinds = GoalKind.objects.bulk_create(
        GoalKind(name=f"Goal {g}", slug=f"goal-{g}") for g in range(N_GOAL_KINDS)
    )
    specialties = Specialty.objects.bulk_create(
        Specialty(name=f"Specialty {s}", slug=f"specialty-{s}")
        for s in range(N_SPECIALTIES)
    )
    interest_ids = np.array([i.pk for i in interests], dtype=np.int64)
    kind_ids = np.array([k.pk for k in kinds], dtype=np.int64)
    specialty_ids = np.array([s.pk for s in specialties], dtype=np.int64)

    ids = np.arange(1, n + 1, dtype=np.int64)
    emails = [f"member{i}@bench.example" for i in range(1, n + 1)]
    # Waiting order as last-intro dates, all more than a month ago (so all due).
    last_intro = [
        (now - timedelta(days=40, seconds=int(p))).isoformat() for p in pop.priority
    ]
    with connection.cursor() as c:
        cur = c.cursor
        # Generated rows are consistent by construction: skip the per-row foreign
        # key triggers while generating (scratch database, superuser), else the
        # setup of a million members takes longer than their round.
        cur.execute("SET session_replication_role = replica")
        copy_text(
            cur,
            User,
            n,
            {
                "id": ids,
                "password": "!",
                "email": emails,
                "date_joined": now.isoformat(),
                "is_active": True,
            },
        )
        with cur.copy(
            'COPY account_emailaddress (email, verified, "primary", user_id) FROM STDIN'
        ) as copy:
            copy.write(
                "".join(f"{e}\tt\tt\t{i}\n" for i, e in enumerate(emails, start=1))
            )
        copy_text(
            cur,
            Profile,
            n,
            {
                "id": ids,
                "user_id": ids,
                "display_name": [f"Dr. Bench {i}" for i in range(1, n + 1)],
                "specialty_id": specialty_ids[pop.specialty],
                "prefer_other_specialties": pop.prefers_other.tolist(),
                "intro_frequency": "weekly",
                "max_open_intros": 2,
                "last_intro_at": last_intro,
                "created_at": now.isoformat(),
                "updated_at": now.isoformat(),
            },
        )
        rows = np.repeat(ids, np.diff(pop.tag_indptr))
        copy_binary_int8(
            cur,
            "profiles_memberinterest",
            ["profile_id", "interest_id"],
            [rows, interest_ids[pop.tag_indices]],
            ts=now,
        )
        goal_rows = []
        for direction, masks in (("seek", pop.seeks), ("offer", pop.offers)):
            for g in range(N_GOAL_KINDS):
                has = np.flatnonzero((masks >> np.uint64(g)) & np.uint64(1))
                goal_rows.append((ids[has], kind_ids[g], direction))
        with cur.copy(
            "COPY profiles_membergoal (profile_id, kind_id, direction, created_at)"
            " FROM STDIN"
        ) as copy:
            stamp = now.isoformat()
            for members, kind, direction in goal_rows:
                copy.write(
                    "".join(
                        f"{m}\t{kind}\t{direction}\t{stamp}\n" for m in members.tolist()
                    )
                )
        for table in ("profiles_user", "profiles_profile"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n]
            )
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE")
    return {"member_interest_rows": int(pop.tag_indptr[-1])}


BASELINE_SQL = """
WITH df AS (
    SELECT interest_id, count(*) AS df FROM profiles_memberinterest GROUP BY 1
),
w AS (
    SELECT interest_id, ln((1 + %(n)s)::float8 / (1 + df)) + 1 AS idf FROM df
),
norm AS (
    SELECT mi.profile_id, sqrt(sum(w.idf * w.idf)) AS norm
    FROM profiles_memberinterest mi JOIN w USING (interest_id)
    GROUP BY 1
),
pairs AS (
    SELECT a.profile_id AS a, b.profile_id AS b, sum(w.idf * w.idf) AS dot
    FROM profiles_memberinterest a
    JOIN profiles_memberinterest b USING (interest_id)
    JOIN w USING (interest_id)
    WHERE a.profile_id <> b.profile_id
    GROUP BY a.profile_id, b.profile_id
),
ranked AS (
    SELECT p.a, p.b, p.dot / (na.norm * nb.norm) AS score,
           row_number() OVER (
               PARTITION BY p.a ORDER BY p.dot / (na.norm * nb.norm) DESC, p.b
           ) AS rn
    FROM pairs p
    JOIN norm na ON na.profile_id = p.a
    JOIN norm nb ON nb.profile_id = p.b
)
SELECT count(*) FROM ranked WHERE rn <= %(k)s
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--baseline-timeout",
        type=float,
        default=900,
        help="statement_timeout of the self-join, in seconds (default 900)",
    )
    args = parser.parse_args()
    # SIGTERM (timeout, kill) unwinds like an error, so the scratch database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with scratch_database(f"gv_bench_{os.getpid()}") as url:
        result = run(args, url)
    print(json.dumps(result))


def numba_cache_dir() -> str:
    """Where numba's cache=True keeps compiled code: next to the sources when that
    is writable, else a directory under var/ (set before numba is imported), so
    that only the first run on a machine pays for compiling."""
    pycache = ROOT / "matching" / "__pycache__"
    pycache.mkdir(exist_ok=True)
    if "NUMBA_CACHE_DIR" not in os.environ and not os.access(pycache, os.W_OK):
        os.environ["NUMBA_CACHE_DIR"] = str(ROOT / "var" / "numba-cache")
    return os.environ.get("NUMBA_CACHE_DIR", str(pycache))


def greedy_figures(round_) -> dict:
    """What the greedy passes alone chose from the same candidates (no
    augmenting paths), for comparison; not part of the round's time."""
    from matching import services
    from matching.pairing import pair_round

    snapshot = services.round_snapshot(round_.pk)
    cand, score, _ = services.round_shortlists(round_, snapshot)
    uncapped = services.round_candidates(round_, snapshot)[0]
    uncapped = uncapped[:, : round_.parameters.get("shortlist_k", round_.k)]
    pairs = pair_round(
        cand,
        score,
        capacity=snapshot.capacity,
        exposure_cap=round_.parameters["exposure_cap"],
        priority=snapshot.priority,
        windows=snapshot.windows,
        augment=False,
    )
    return {
        "members_served": int(np.unique(pairs).size),
        "score_total": float(sum(services.chosen_pair_scores(cand, score, pairs))),
        "crowding": crowding(cand),
        "crowding_uncapped": crowding(uncapped),
    }


def crowding(cand) -> dict:
    """How crowded the shortlists are: the most lists one member is in, and the
    share of all list entries held by the 1% most listed members."""
    listed = np.sort(np.bincount(cand[cand >= 0], minlength=len(cand)))[::-1]
    top = max(1, len(cand) // 100)
    return {
        "max_in_lists": int(listed[0]) if len(listed) else 0,
        "top1pct_share": round(int(listed[:top].sum()) / max(1, int(listed.sum())), 4),
    }


def run(args, url: str) -> dict:
    cache_dir = numba_cache_dir()
    os.environ["DATABASE_URL"] = url
    # A worker runs with DEBUG off. On, Django keeps the text of its last 9,000
    # queries, 100,000-id array parameters and the round's snapshot included: tens
    # of megabytes that a deployed round never holds.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grapevyne.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import OperationalError, connection

    from bench.core import peak_rss_mb
    from matching import services
    from matching.models import Round, RoundBlock

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    generated = load_members(args.members, args.seed)
    print(f"generated {args.members} members in {time.perf_counter() - t:.1f} s")

    # Compile (or load from numba's cache) the core once, as a long-lived worker
    # would have; reported apart from the round.
    from matching.pairing import pair_round
    from matching.scoring import Weights, top_candidates
    from matching.synthetic import synthetic_population

    t = time.perf_counter()
    tiny = synthetic_population(64, seed=1)
    cand, score = top_candidates(tiny, k=4, weights=Weights())
    pair_round(
        cand,
        score,
        capacity=np.ones(64, np.int32),
        exposure_cap=2,
        priority=tiny.priority,
    )
    warmup = time.perf_counter() - t

    load_at_start = os.getloadavg()[0]
    t = time.perf_counter()
    cpu = time.process_time()
    created = services.round_create(trigger=Round.Trigger.COMMAND)
    if created is None:
        raise SystemExit("A real round is still running: try again when it ends.")
    round_ = services.round_run_sync(round_id=created.pk)
    seconds_total = time.perf_counter() - t
    # Every thread of this process (numba's too); PostgreSQL's work is not in it.
    cpu_seconds_round = time.process_time() - cpu
    # The round's peak, before the comparison below reads the candidates back.
    peak_round = peak_rss_mb()
    greedy = greedy_figures(round_)
    figures = {
        "members": round_.members_considered,
        "candidate_pairs": round_.candidate_pairs,
        "pairs": round_.pairs_chosen,
        "intros": round_.intros_created,
        "left_out": round_.left_out.count(),
        "members_served": round_.members_served,
        "members_with_candidate": round_.members_with_candidate,
        "served_share": round(
            round_.members_served / max(1, round_.members_with_candidate), 4
        ),
        "score_total": round(round_.score_total, 2),
        "shortlists": greedy["crowding"],
        "shortlists_uncapped": greedy["crowding_uncapped"],
        "greedy_members_served": greedy["members_served"],
        "greedy_score_total": round(greedy["score_total"], 2),
        "score_vs_greedy": round(
            round_.score_total / max(greedy["score_total"], 1e-9), 4
        ),
        "pairs_outside_windows": round_.pairs_outside_windows,
        "seconds_load": round(round_.seconds_load, 2),
        "seconds_score": round(round_.seconds_score, 2),
        "seconds_pair": round(round_.seconds_pair, 2),
        "seconds_write": round(round_.seconds_write, 2),
        "seconds_write_candidates": round(
            sum(
                RoundBlock.objects.filter(round=round_).values_list(
                    "seconds_write", flat=True
                )
            ),
            2,
        ),
        "seconds_total": round(seconds_total, 2),
        "cpu_seconds_round": round(cpu_seconds_round, 2),
        "seconds_score_pair": round(round_.seconds_score + round_.seconds_pair, 2),
        "seconds_jit_warmup": round(warmup, 2),
        "numba_cache_dir": cache_dir,
        "load_avg_at_start": round(load_at_start, 2),
        "debug": settings.DEBUG,
        "block_size": settings.MATCHING_BLOCK_SIZE,
        "k": round_.k,
        "shortlist_cap_members": round_.parameters.get("shortlist_cap_members", 0),
        **generated,
    }
    for key, value in figures.items():
        print(f"{key:>22}  {value}")
    example = round_.pairs.first()
    if example is not None:
        print(f"               example  {example.score:.3f} {example.explanation}")

    baseline = None
    timed_out = False
    if not args.no_baseline:
        print(f"{'load_avg_before_baseline':>22}  {os.getloadavg()[0]:.2f}", flush=True)
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute(
                "SET statement_timeout = %s", [f"{int(args.baseline_timeout * 1000)}"]
            )
            try:
                cursor.execute(BASELINE_SQL, {"n": args.members, "k": round_.k})
                baseline_rows = cursor.fetchone()[0]
            except OperationalError as exc:
                if "statement timeout" not in str(exc):
                    raise
                timed_out = True
                baseline_rows = None
            cursor.execute("RESET statement_timeout")
        baseline = time.perf_counter() - t
        if timed_out:
            baseline = args.baseline_timeout
            print(f"{'baseline_seconds':>22}  > {baseline:.0f} (statement timeout)")
        else:
            print(f"{'baseline_seconds':>22}  {baseline:.1f} ({baseline_rows} rows)")
    figures["peak_rss_mb"] = round(peak_round, 1)
    figures["peak_rss_mb_with_greedy_comparison"] = round(peak_rss_mb(), 1)
    figures["load_avg_1min"] = round(os.getloadavg()[0], 2)
    figures["baseline_seconds"] = round(baseline, 2) if baseline else None
    figures["baseline_timed_out"] = timed_out
    engine_topk = figures["seconds_load"] + figures["seconds_score"]
    figures["speedup_compares"] = (
        "self-join top-k vs engine load+score (seconds_load + seconds_score)"
    )
    figures["speedup"] = (
        round(baseline / max(engine_topk, 1e-3), 1) if baseline else None
    )
    figures["speedup_whole_round"] = (
        round(baseline / seconds_total, 1) if baseline else None
    )
    figures["speedup_is_lower_bound"] = timed_out
    return figures


if __name__ == "__main__":
    main()
