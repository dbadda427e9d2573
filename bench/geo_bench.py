"""Benchmark of the embedded territories (app.geo): dataset load, memory, point → commune.

Usage: .venv/bin/python bench/geo_bench.py [--points 200000]
Prints figures and ratios against baselines measured in the same run (a naive shapely
``contains`` loop over every commune; a plain dict lookup by code). Results are recorded in
docs/benchmarks.md, section « Géodonnées ».
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_only() -> None:
    """Run in a fresh process: imports first, then time the dataset load and the RSS it adds."""
    import numpy  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import shapely  # noqa: F401

    from app.geo import dataset

    before = rss_mb()
    start = time.perf_counter()
    ds = dataset.load()
    elapsed = time.perf_counter() - start
    # one query so that lazily built structures (tree, prepared geometries) are counted
    ds.tree.query(shapely.points([2.35], [48.85]), predicate="within")
    print(json.dumps({"load_s": elapsed, "rss_added_mb": rss_mb() - before, "communes": len(ds.communes)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=200_000)
    parser.add_argument("--load-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        load_only()
        return

    import numpy as np
    import shapely

    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, __file__, "--load-only"], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    load_s = statistics.median(r["load_s"] for r in runs)
    rss = statistics.median(r["rss_added_mb"] for r in runs)

    from app.geo import commune_at, communes_at, get_commune, get_dataset

    ds = get_dataset()
    rng = np.random.default_rng(42)
    # Points inside communes: random points in random communes' bounding boxes, kept when inside.
    idx = rng.integers(0, len(ds.geoms), args.points * 2)
    bounds = shapely.bounds(ds.geoms[idx])
    lons = rng.uniform(bounds[:, 0], bounds[:, 2])
    lats = rng.uniform(bounds[:, 1], bounds[:, 3])
    lons, lats = lons[: args.points], lats[: args.points]

    communes_at(lons[:1000], lats[:1000])  # warm-up
    start = time.perf_counter()
    codes = communes_at(lons, lats)
    batch_s = time.perf_counter() - start
    batch_rate = len(lons) / batch_s
    found = int((codes != None).sum())  # noqa: E711

    single = []
    for i in range(20_000):
        t = time.perf_counter()
        commune_at(lons[i], lats[i])
        single.append(time.perf_counter() - t)
    single_us = statistics.median(single) * 1e6
    single_p95 = float(np.percentile(single, 95)) * 1e6

    # Baseline 1: naive loop, shapely contains against every commune (prepared), first hit.
    sample = 30
    pts = shapely.points(lons[:sample], lats[:sample])
    start = time.perf_counter()
    naive_codes = []
    for p in pts:
        hit = np.flatnonzero(shapely.contains(ds.geoms, p))
        naive_codes.append(ds.codes[hit[0]] if len(hit) else None)
    naive_us = (time.perf_counter() - start) / sample * 1e6
    agree = sum(a == b for a, b in zip(naive_codes, codes[:sample], strict=True))

    # Baseline 2: plain dict lookup by INSEE code (the cheapest possible lookup).
    keys = [c for c in rng.choice(list(ds.communes), 20_000)]
    start = time.perf_counter()
    for k in keys:
        get_commune(k)
    dict_us = (time.perf_counter() - start) / len(keys) * 1e6

    print("Géodonnées — app.geo benchmark")
    print(f"  machine: {os.cpu_count()} CPU, Python {sys.version.split()[0]}, shapely {shapely.__version__}")
    print(f"  communes: {len(ds.communes)} ({len(ds.geoms)} with boundaries)")
    print(f"  dataset load (fresh process, median of 3): {load_s:.2f} s   [target ≤ 1.5 s]")
    print(f"  resident memory added by the dataset:     {rss:.0f} MB  [target ≤ 300 MB]")
    print(
        f"  point → commune, batched ({len(lons)} pts):  {batch_rate:,.0f} lookups/s "
        f"({found} in a commune)   [target ≥ 100,000/s]"
    )
    print(
        f"  point → commune, one at a time:           median {single_us:.1f} µs, p95 {single_p95:.1f} µs"
        "   [target ≤ 50 µs]"
    )
    print(
        f"  baseline naive contains loop ({sample} pts):   {naive_us:,.0f} µs per point "
        f"(agrees on {agree}/{sample})"
    )
    print(f"  baseline dict lookup by code:             {dict_us:.2f} µs")
    print(
        f"  ratios: single vs naive ×{naive_us / single_us:,.0f} faster; batched per point vs naive "
        f"×{naive_us / (1e6 / batch_rate):,.0f} faster; single vs dict ×{single_us / dict_us:,.1f} slower"
    )


if __name__ == "__main__":
    main()
