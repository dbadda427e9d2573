"""Benchmark of the public statistics: /stats with 100,000 events in a temporary SQLite database.

    .venv/bin/python bench/stats_bench.py [--events 100000] [--sites 5000] [--requests 200]

Prints, in one run: the cold computation (cache emptied before each request), /stats p50/p95
over N requests as served (in-process TTL cache), the downloads and /api/stats, and /healthz
as a baseline. Figures go to docs/benchmarks.md (« Statistiques »).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Answer, Event, Site  # noqa: E402
from app.stats.demo import COMMUNES, SCHEMES, STEPS, USAGES  # noqa: E402


def seed(n_events: int, n_sites: int, rng: random.Random) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    sites, answers = [], []
    for i in range(1, n_sites + 1):
        commune, epci, dep, reg = COMMUNES[i % len(COMMUNES)]
        created = now - timedelta(days=rng.uniform(0, 730))
        sites.append(
            {
                "id": i,
                "token": f"bench{i:027d}",
                "nom": f"Site {i}",
                "created_at": created,
                "updated_at": created,
                "commune_code": commune,
                "epci_code": epci,
                "departement_code": dep,
                "region_code": reg,
                "surface_m2": rng.choice([None, rng.uniform(1000, 50000)]),
                "completed_at": created + timedelta(minutes=rng.randint(5, 120))
                if rng.random() < 0.8
                else None,
                "is_demo": False,
            }
        )
        answers.append(
            {
                "site_id": i,
                "question_id": "usage",
                "value": rng.choice(USAGES),
                "question_label": "",
                "value_label": "",
                "updated_at": created,
            }
        )
    db.session.execute(insert(Site), sites)
    db.session.execute(insert(Answer), answers)
    events = []
    for _ in range(n_events):
        site = sites[rng.randrange(n_sites)]
        at = site["created_at"] + timedelta(days=rng.uniform(0, 120))
        if at > now:
            at = now - timedelta(minutes=rng.randint(1, 600))
        kind = rng.choices(
            ["parcours_consulte", "etape_statut", "avis", "export", "site_cree"], [5, 3, 1, 0.5, 0.5]
        )[0]
        step, phase = rng.choice(STEPS)
        data = {
            "parcours_consulte": {"financements": rng.sample(SCHEMES, 2), "nb_etapes": 30},
            "etape_statut": {"etape": step, "phase": phase, "statut": rng.choice(["fait", "en_cours"])},
            "avis": {"type": "etape", "id": step, "utile": rng.random() < 0.8},
        }.get(kind)
        events.append(
            {
                "type": kind,
                "site_id": site["id"],
                "created_at": at,
                "data": data,
                "is_demo": False,
                "commune_code": site["commune_code"],
                "epci_code": site["epci_code"],
                "departement_code": site["departement_code"],
                "region_code": site["region_code"],
            }
        )
    for start in range(0, len(events), 10_000):
        db.session.execute(insert(Event), events[start : start + 10_000])
    db.session.commit()


def measure(client, url: str, n: int, before=None) -> list[float]:
    out = []
    for _ in range(n):
        if before:
            before()
        t = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]
    return f"{name:<42} n={len(ms):<4} p50 {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'bench.sqlite')}"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            t = time.perf_counter()
            seed(args.events, args.sites, rng)
            print(
                f"Seeded {args.sites} sites and {Event.query.count()} events in {time.perf_counter() - t:.1f} s "
                f"(SQLite, {sys.version.split()[0]})"
            )
            from app.stats import routes

            t = time.perf_counter()
            routes._area_names()
            print(
                f"Geo dataset load (names, zoning; once per process): {(time.perf_counter() - t) * 1000:.0f} ms"
            )
            client = app.test_client()
            client.get("/healthz")
            print(summary("/healthz (baseline)", measure(client, "/healthz", args.requests)))
            print(
                summary(
                    "/stats cold (cache emptied each time)",
                    measure(client, "/stats", args.cold, routes.CACHE.clear),
                )
            )
            routes.CACHE.clear()
            print(summary("/stats as served (60 s cache)", measure(client, "/stats", args.requests)))
            print(summary("/stats?periode=24 as served", measure(client, "/stats?periode=24", args.requests)))
            # Expiring cache: TTL 1 s, one request every 50 ms → a background refresh about
            # every second, competing for the CPU with the requests measured.
            app.config["STATS_CACHE_SECONDS"] = 1
            paced = []
            for _ in range(args.requests):
                paced += measure(client, "/stats", 1)
                time.sleep(0.05)
            print(summary("/stats, 1 s TTL, background refreshes", paced))
            app.config["STATS_CACHE_SECONDS"] = 60
            print(
                summary("/stats/donnees.csv as served", measure(client, "/stats/donnees.csv", args.requests))
            )
            print(
                summary(
                    "/api/stats?periodicity=day&since=366 cold",
                    measure(client, "/api/stats?periodicity=day&since=366", args.cold, routes.CACHE.clear),
                )
            )
            print(summary("/api/stats as served", measure(client, "/api/stats", args.requests)))


if __name__ == "__main__":
    main()
