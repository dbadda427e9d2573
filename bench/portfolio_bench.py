"""Benchmark of the portfolios: import 5,000 CNIG rows with their paths, then the portfolio page.

    .venv/bin/python bench/portfolio_bench.py [--rows 5000] [--requests 30] [--database URL]

Builds a CNIG CSV of ``--rows`` varied sites (real communes and points, several values per
field), stores it as an upload, and runs the import job exactly as the worker does
(``app.portfolio.jobs.run``: read, Frictionless check, sites, answers and path figures), in a
fresh SQLite database (or ``--database``, e.g. the local PostgreSQL). Prints the wall time of
each step and the peak memory of the process (ru_maxrss), then the portfolio page (first
page, a filtered and sorted page, a far page, « par où commencer », the CNIG export) over N
requests: p50 and p95. Figures go to docs/benchmarks.md (« Portefeuilles »).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.tasks import huey  # noqa: E402

VALUES = {
    "site_type": [
        "friche industrielle",
        "friche commerciale",
        "friche ferroviaire",
        "friche d'habitat",
        "autre",
    ],
    "site_statut": ["friche sans projet", "friche avec projet", "friche potentielle", "inconnu"],
    "site_reconv_type": ["habitat", "renaturation", "équipement public", "inconnu", "mixte"],
    "sol_pollution_existe": ["pollution avérée", "pollution supposée", "pollution peu probable", "inconnu"],
    "bati_etat": ["dégradation moyenne", "dégradation très importante", "dégradation inexistante ou faible"],
    "bati_pollution": ["amiante", "inconnu", "sans objet"],
    "urba_zone_type": ["U", "AUc", "N", "A"],
    "site_occupation": ["totalement inoccupé", "partiellement inoccupé", "occupation illicite supposée"],
}


def build_csv(n: int, rng: random.Random) -> bytes:
    from app import geo

    example = (
        Path(__file__).resolve().parent.parent / "tests" / "portfolio" / "fixtures" / "fichier-valide.csv"
    )
    header, row = list(csv.reader(example.open(encoding="utf-8")))[:2]
    idx = {name: i for i, name in enumerate(header)}
    ds = geo.get_dataset()
    picks = [i for i in rng.sample(range(len(ds.codes)), 800) if ds.geoms[i] is not None]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i in range(n):
        r = list(row)
        g = ds.geoms[picks[i % len(picks)]]
        commune = ds.communes[ds.codes[picks[i % len(picks)]]]
        p = g.representative_point()
        r[idx["site_id"]] = f"{commune.code}_B-{i:05d}"
        r[idx["site_nom"]] = f"Friche {i}"
        r[idx["comm_insee"]], r[idx["comm_nom"]] = commune.code, commune.nom
        r[idx["geompoint"]] = f"POINT({p.x:.6f} {p.y:.6f})"
        r[idx["geomsurf"]] = ""
        r[idx["unite_fonciere_surface"]] = str(rng.randint(500, 80_000))
        for name, values in VALUES.items():
            r[idx[name]] = rng.choice(values)
        w.writerow(r)
    return out.getvalue().encode("utf-8")


def timed(fn, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    rng = random.Random(16)
    tmp = tempfile.mkdtemp(prefix="portfolio-bench-")
    url = args.database or f"sqlite:///{tmp}/bench.sqlite"
    huey.immediate = True  # the job is run directly below, as the worker would
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from app import geo
        from app.portfolio import jobs
        from app.portfolio.models import Portfolio, PortfolioImport

        db.drop_all()
        db.create_all()
        geo.get_dataset()
        data = build_csv(args.rows, rng)
        print(f"CSV: {args.rows} rows, {len(data) / 1e6:.1f} MB; database: {url.split('://')[0]}")
        portfolio = Portfolio(nom="Banc d'essai")
        imp = PortfolioImport(
            portfolio=portfolio,
            filename="bench.csv",
            payload=data,
            status="en_attente",
            auto_import=True,
            mode="tout",
        )
        db.session.add_all([portfolio, imp])
        db.session.commit()
        from app.portfolio import service

        spent = {"check": 0.0}
        analyse = service.analyse_payload

        def timed_analyse(imp):
            t = time.perf_counter()
            try:
                return analyse(imp)
            finally:
                spent["check"] += time.perf_counter() - t

        service.analyse_payload = timed_analyse
        t0 = time.perf_counter()
        jobs.run(imp.id)
        total = time.perf_counter() - t0
        service.analyse_payload = analyse
        db.session.expire_all()
        imp = db.session.get(PortfolioImport, imp.id)
        assert imp.status == "termine", (imp.status, imp.message)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"import job: {total:.1f} s for {imp.created} sites ({imp.total} rows checked); peak RSS {rss:.0f} MB"
        )
        print(
            f"  of which reading + Frictionless check + location: {spent['check']:.1f} s; "
            f"sites, answers and paths: {total - spent['check']:.1f} s"
        )
        token = portfolio.token

    client = app.test_client()
    pages = {
        "portfolio page 1": f"/portefeuilles/{token}",
        "filtered + sorted": f"/portefeuilles/{token}?pollution=pollution+supposée&tri=surface&ordre=desc",
        "page 80": f"/portefeuilles/{token}?page=80&tri=echeance",
        "par où commencer": f"/portefeuilles/{token}/commencer",
    }
    for label, path in pages.items():
        assert client.get(path).status_code == 200
        p50, p95 = timed(lambda path=path: client.get(path), args.requests)
        print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    t = time.perf_counter()
    response = client.get(f"/portefeuilles/{token}/cnig.csv")
    print(f"CNIG CSV export: {(time.perf_counter() - t) * 1000:.0f} ms, {len(response.data) / 1e6:.1f} MB")
    t = time.perf_counter()
    response = client.get(f"/portefeuilles/{token}/carte.geojson")
    print(f"map points: {(time.perf_counter() - t) * 1000:.0f} ms, {len(response.data) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
