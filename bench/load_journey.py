"""Load and soak run: 50 users doing the whole journey for 2 minutes (locust, headless), while
``/healthz`` is polled and the attack requests of issue 13 item 1 are sent. Loopback only.

Usage::

    .venv/bin/pip install -e '.[bench]'          # locust
    .venv/bin/python bench/load_journey.py [--users 50] [--seconds 120] [--database-url URL]

Starts gunicorn with ``gunicorn.conf.py`` (2 workers × 2 threads) on 127.0.0.1 with a fresh
SQLite file (WAL) — or a throwaway PostgreSQL schema — with the production rate limits (each
simulated user has its own address), CSRF off (the forms' token is not what is measured) and the
public APIs off (no traffic leaves the machine). Meanwhile, in this process:

- ``/healthz`` every 0.25 s: its latency (maximum, p95) over the run and during the attacks;
- every 5 s, one round of attacks (France-sized perimeter, 20,000- and 1,998-vertex stars, a
  self-crossing star, a GeoPackage whose layer is a recursive view, a zipped Shapefile of a
  million vertices), each expected to be refused (4xx) quickly;
- the workers' resident memory (RSS) after the warm-up and at the end.

Prints locust's totals (requests, failures, 5xx, p50/p95/p99) and the figures above. Bounded:
the run stops by itself after ``--seconds``. Results: docs/benchmarks.md (« Charge »).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.parcours_http_bench import Server, seed, throwaway_schema  # noqa: E402


def attacks() -> list[tuple[str, dict]]:
    from tests.robustness.attacks import FRANCE_RECTANGLE, crossing_star, million_vertex_shapefile_zip, star

    api = "/api/v1/parcours"
    return [
        ("France-sized perimeter", {"json": {"site": {"geomsurf": FRANCE_RECTANGLE}}, "path": api}),
        ("20,000-vertex star", {"json": {"site": {"geomsurf": star(20_000)}}, "path": api}),
        ("1,998-vertex star (accepted)", {"json": {"site": {"geomsurf": star(1_998)}}, "path": api}),
        ("self-crossing star", {"json": {"site": {"geomsurf": crossing_star(400)}}, "path": api}),
        (
            "million-vertex Shapefile",
            {"file": ("site.zip", million_vertex_shapefile_zip()), "path": "upload"},
        ),
    ]


def gpkg_view_attack() -> bytes:
    import sqlite3

    import numpy as np
    import pyogrio.raw
    import shapely
    from shapely.geometry import box

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "site.gpkg"
        pyogrio.raw.write(
            path,
            geometry=np.array([shapely.to_wkb(box(2.775, 50.455, 2.779, 50.458))], dtype=object),
            field_data=[],
            fields=[],
            crs="EPSG:4326",
            driver="GPKG",
            geometry_type="Polygon",
            layer="site",
        )
        conn = sqlite3.connect(path)
        conn.executescript(
            "CREATE VIEW boucle AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
            "SELECT n AS fid, (SELECT geom FROM site) AS geom FROM r;"
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('boucle', 'features', 'boucle', 4326);"
            "INSERT INTO gpkg_geometry_columns VALUES ('boucle', 'geom', 'POLYGON', 4326, 0, 0);"
            "DELETE FROM gpkg_contents WHERE table_name = 'site';"
        )
        conn.commit()
        conn.close()
        return path.read_bytes()


def workers_rss(server: Server) -> list[float]:
    """RSS of each gunicorn worker (its direct children; a perimeter's short-lived child
    process, app.geo.sandbox, is not a worker)."""
    parent = psutil.Process(server.process.pid)
    return [child.memory_info().rss / 2**20 for child in parent.children(recursive=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        drop = None
        if args.database_url:
            database_url, drop = throwaway_schema(args.database_url)
        else:
            database_url = f"sqlite:///{folder / 'load.sqlite'}"
        seed(database_url)
        server = Server(database_url, ENRICHMENT_ENABLED=False)
        base = server.base
        stop = threading.Event()
        health: list[tuple[float, float, bool]] = []  # (time, seconds, during attack)
        attacking = threading.Event()
        attack_log: list[tuple[str, int, float]] = []

        def poll_health():
            session = requests.Session()
            while not stop.is_set():
                start = time.monotonic()
                try:
                    code = session.get(base + "/healthz", timeout=10).status_code
                except requests.RequestException:
                    code = 0
                health.append((start, time.monotonic() - start if code == 200 else 99.0, attacking.is_set()))
                time.sleep(0.25)

        def attack():
            session = requests.Session()
            token = session.post(
                base + "/sites", allow_redirects=False, headers={"X-Forwarded-For": "192.0.2.99"}
            )
            site = token.headers["Location"].split("/")[2]
            gpkg = gpkg_view_attack()
            plan = [
                *attacks(),
                ("GeoPackage recursive view", {"file": ("site.gpkg", gpkg), "path": "upload"}),
            ]
            while not stop.wait(5):
                attacking.set()
                for n, (name, spec) in enumerate(plan):
                    headers = {"X-Forwarded-For": f"192.0.2.{100 + n}"}  # its own limits
                    start = time.monotonic()
                    if spec["path"] == "upload":
                        response = session.post(
                            f"{base}/sites/{site}/localisation",
                            files={"fichier": spec["file"]},
                            headers=headers,
                            timeout=60,
                        )
                    else:
                        response = session.post(
                            base + spec["path"], json=spec["json"], headers=headers, timeout=60
                        )
                    attack_log.append((name, response.status_code, time.monotonic() - start))
                attacking.clear()

        warm = requests.get(base + "/stats", timeout=60)
        assert warm.status_code == 200
        rss_before = workers_rss(server)
        rss_samples: list[tuple[float, list[float]]] = []

        def sample_rss():
            start = time.monotonic()
            while not stop.wait(10):
                try:
                    rss_samples.append((time.monotonic() - start, workers_rss(server)))
                except psutil.Error:  # a worker restarting: skip this sample
                    continue

        threads = [
            threading.Thread(target=poll_health, daemon=True),
            threading.Thread(target=attack, daemon=True),
        ]
        for thread in threads:
            thread.start()
        prefix = folder / "locust"
        cmd = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "-u", str(args.users), "-r", str(max(1, args.users // 10)), "-t", f"{args.seconds}s",
            "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 120)
        rss_after = workers_rss(server)
        stop.set()
        for thread in threads:
            thread.join(70)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        fail_rows = []
        if Path(f"{prefix}_failures.csv").exists():
            with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
                fail_rows = list(csv.DictReader(f))
        server.stop()
        if drop:
            drop()
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"locust: {args.users} users, {args.seconds} s — exit code {result.returncode}")
    for r in rows:
        print(
            f"  {r['Name']:28s} {int(r['Request Count']):7d} requests {int(r['Failure Count']):4d} failures  "
            f"p50 {r['50%']:>5s} ms  p95 {r['95%']:>5s} ms  p99 {r['99%']:>5s} ms"
        )
    fivexx = sum(
        int(f["Occurrences"]) for f in fail_rows if "50" in f["Error"] or "HTTPError('5" in f["Error"]
    )
    for f in fail_rows:
        print(f"  failure: {f['Method']} {f['Name']}: {f['Error'][:120]} × {f['Occurrences']}")
    print(
        f"total: {total['Request Count']} requests, {total['Failure Count']} failures ({fivexx} 5xx), "
        f"{float(total['Requests/s']):.1f} req/s, p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms"
    )
    print(
        f"worker RSS: {', '.join(f'{v:.0f}' for v in rss_before)} MB after warm-up → "
        f"{', '.join(f'{v:.0f}' for v in rss_after)} MB at the end "
        f"(growth {100 * (sum(rss_after) / sum(rss_before) - 1):+.1f} %)"
    )
    # Bounded caches (rendered pages, API bodies, fragments) fill during the first minute; the
    # growth that would reveal a leak is the one after they are full.
    settled = next(((t, v) for t, v in rss_samples if t >= 60), None)
    if settled:
        print(
            f"worker RSS after {settled[0]:.0f} s of load: {', '.join(f'{v:.0f}' for v in settled[1])} MB → end: "
            f"growth {100 * (sum(rss_after) / sum(settled[1]) - 1):+.1f} % over the rest of the run"
        )
    print(
        "RSS every 10 s (MB, per worker): "
        + "; ".join(f"{t:.0f} s: {'/'.join(f'{x:.0f}' for x in v)}" for t, v in rss_samples)
    )
    lat = [s for _, s, _ in health]
    under = [s for _, s, a in health if a]
    print(
        f"/healthz: {len(lat)} polls, max {max(lat) * 1000:.0f} ms, p95 {statistics.quantiles(lat, n=20)[-1] * 1000:.0f} ms; "
        f"during attacks: {len(under)} polls, max {max(under, default=0) * 1000:.0f} ms"
    )
    by_attack: dict[str, list] = {}
    for name, code, seconds in attack_log:
        by_attack.setdefault(name, []).append((code, seconds))
    for name, results in by_attack.items():
        codes = sorted({c for c, _ in results})
        print(f"  attack {name:30s} × {len(results)}: status {codes}, max {max(s for _, s in results):.2f} s")
    print(json.dumps({"requests": int(total["Request Count"]), "failures": int(total["Failure Count"])}))


if __name__ == "__main__":
    main()
