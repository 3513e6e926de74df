"""Time the matching core alone on a synthetic population (no database).

Usage: python bench/core.py --members N [--k 20] [--seed 1] [--block ROWS]
                             [--sample-rows R]

With --sample-rows, only the first R rows are scored (against all N) and the
scoring time is extrapolated linearly to N rows (each row costs O(N), so this is
accurate); pairing is then skipped.

Prints the phases and peak RSS; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numba
import numpy as np

from matching.pairing import pair_round
from matching.scoring import Weights, idf, top_candidates
from matching.synthetic import synthetic_population


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--block", type=int, default=0, help="rows per block, 0 = all")
    parser.add_argument("--capacity", type=int, default=1)
    parser.add_argument("--exposure-cap", type=int, default=2)
    parser.add_argument("--sample-rows", type=int, default=0)
    args = parser.parse_args()
    weights = Weights()

    t0 = time.perf_counter()
    pop = synthetic_population(args.members, seed=args.seed)
    t_gen = time.perf_counter() - t0
    print(
        f"generated {args.members:,} members, {len(pop.tag_indices):,} tags in "
        f"{t_gen:.2f} s"
    )

    # Compile (or load the numba cache) on a tiny slice so timings are steady state.
    t0 = time.perf_counter()
    top_candidates(pop, k=args.k, weights=weights, start=0, stop=1)
    pair_round(
        np.array([[1], [0]], np.int32),
        np.array([[0.5], [0.5]], np.float32),
        capacity=np.ones(2, np.int32),
        exposure_cap=1,
        priority=np.arange(2),
    )
    t_warm = time.perf_counter() - t0

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    idf_w = idf(pop)
    rows = min(pop.n, args.sample_rows) if args.sample_rows else pop.n
    block = args.block or rows
    parts = []
    for lo in range(0, rows, block):
        hi = min(rows, lo + block)
        parts.append(
            top_candidates(
                pop, k=args.k, weights=weights, start=lo, stop=hi, idf_weights=idf_w
            )
        )
        if block < rows:
            # Progress per block: a run cut short still gives a measured rate.
            print(
                f"  rows {lo:,}..{hi:,}: {time.perf_counter() - t0:.1f} s wall, "
                f"{time.process_time() - cpu0:.1f} s CPU so far",
                flush=True,
            )
    cand = np.concatenate([c for c, _ in parts])
    score = np.concatenate([s for _, s in parts])
    t_score = time.perf_counter() - t0
    cpu_score = time.process_time() - cpu0
    print(
        f"idf + top-{args.k} candidates: {t_score:.2f} s wall, {cpu_score:.2f} s CPU "
        f"({numba.get_num_threads()} threads)"
    )

    if rows < pop.n:
        factor = pop.n / rows
        result = {
            "members": pop.n,
            "k": args.k,
            "sample_rows": rows,
            "seconds_score_sample": round(t_score, 3),
            "cpu_seconds_score_sample": round(cpu_score, 3),
            "seconds_score_extrapolated": round(t_score * factor, 1),
            "cpu_seconds_score_extrapolated": round(cpu_score * factor, 1),
            "ns_cpu_per_pair": round(cpu_score / (rows * pop.n) * 1e9, 3),
            "threads": numba.get_num_threads(),
            "load_avg_1min": round(os.getloadavg()[0], 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        print(
            f"extrapolated to {pop.n:,} rows: {t_score * factor:.0f} s wall, "
            f"{cpu_score * factor:.0f} s CPU"
        )
        print(json.dumps(result))
        return

    t0 = time.perf_counter()
    pairs = pair_round(
        cand,
        score,
        capacity=np.full(pop.n, args.capacity, np.int32),
        exposure_cap=args.exposure_cap,
        priority=pop.priority,
    )
    t_pair = time.perf_counter() - t0
    served = np.unique(pairs).size
    print(f"pairing: {t_pair:.2f} s, {len(pairs):,} pairs, {served:,} members served")
    candidate_pairs = int((cand >= 0).sum())
    result = {
        "members": pop.n,
        "k": args.k,
        "candidate_pairs": candidate_pairs,
        "pairs": len(pairs),
        "members_served": served,
        "mean_pair_score": float(np.mean(score[cand >= 0])) if candidate_pairs else 0.0,
        "seconds_generate": round(t_gen, 3),
        "seconds_compile_or_cache": round(t_warm, 3),
        "seconds_score": round(t_score, 3),
        "cpu_seconds_score": round(cpu_score, 3),
        "seconds_pair": round(t_pair, 3),
        "seconds_score_pair": round(t_score + t_pair, 3),
        "threads": numba.get_num_threads(),
        "cpus": os.cpu_count(),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(f"peak RSS {result['peak_rss_mb']:.0f} MB")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
