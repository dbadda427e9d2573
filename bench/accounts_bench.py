"""How « Mes sites » and the advisers' view grow with the number of sites.

    .venv/bin/python bench/accounts_bench.py [--sites 10,100,300] [--requests 5]

For each N, a fresh temporary SQLite database: N sites of the Pas-de-Calais (real communes,
the audit journey's answers varied per site: pollution, buildings, owner, use), a few steps
tracked per site (the demo's step order), a few action-log lines, every site shared with the
advisers (« partage » line) and attached to one owner account; one adviser follows the
département in a temporary ``ADVISERS_FILE``. Both accounts are logged in by setting the
Flask-Login session, the adviser without ProConnect (``ADVISERS_REQUIRE_PROCONNECT`` off).

Prints /healthz (baseline, same run), /mes-sites and /conseiller: the first request (cold: the
process's caches still empty for these sites) and p50/p95 over the following ones (warm), the
ratio to /healthz, the SQL statements per request (SQLAlchemy ``before_cursor_execute``) and the
HTML size. Figures go to docs/benchmarks.md (« Comptes : Mes sites et vue des conseillers »).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

DEPARTEMENT = "62"
ADVISER = "agent@ddt-62.gouv.fr"
OWNER = "cheffe.projet@cc-exemple.fr"

# Variations of the journey's answers (tests/parcours/journey.py), so that paths differ.
VARIANTS = {
    "sol_pollution_existe": ["pollution supposée", "pollution avérée", "pollution peu probable", "inconnu"],
    "bati_nombre": [0, 1, 3, 8],
    "bati_pollution": [["amiante"], ["plomb"], ["aucune"], ["amiante", "plomb"]],
    "proprietaire": ["prive", "commune", "epf", "inconnu"],
    "usage": ["habitat", "mixte", "équipement public", "renaturation", "industrie"],
    "avancement": ["idee", "etudes", "projet"],
    "urba_zone_type": ["U", "AU", "N"],
}


def communes_of(dep: str) -> list[tuple[str, str | None]]:
    from app import geo

    communes = geo.get_dataset().communes
    return [(code, c.epci) for code, c in sorted(communes.items()) if c.departement == dep]


def seed(n: int, rng: random.Random) -> None:
    from app.accounts.advisers import SHARE_KIND
    from app.accounts.models import Account, SiteActivity, SiteMember
    from app.models import Answer, Site, StepProgress, utcnow
    from app.stats.demo import FRICHES, STEPS
    from tests.parcours.journey import ANSWERS

    communes = communes_of(DEPARTEMENT)
    owner = Account(email=OWNER, nom="Cheffe de projet")
    db.session.add_all([owner, Account(email=ADVISER, nom="Agent DDT")])
    db.session.flush()
    now = utcnow()
    for i in range(n):
        code, epci = communes[(i * 37) % len(communes)]
        site = Site(
            nom=f"{FRICHES[i % len(FRICHES)].capitalize()} n° {i + 1}",
            commune_code=code,
            epci_code=epci,
            departement_code=DEPARTEMENT,
            region_code="32",
            surface_m2=rng.choice([None, rng.randint(2_000, 60_000)]),
            created_at=now - timedelta(days=rng.randint(1, 700)),
        )
        db.session.add(site)
        db.session.flush()
        answers = dict(ANSWERS, site_nom=site.nom)
        for qid, values in VARIANTS.items():
            answers[qid] = rng.choice(values)
        db.session.add_all(Answer(site_id=site.id, question_id=q, value=v) for q, v in answers.items())
        for step_id, _ in STEPS[: rng.randint(0, 6)]:
            status = rng.choice(["fait", "fait", "en_cours", "non_concerne"])
            db.session.add(StepProgress(site_id=site.id, step_id=step_id, status=status))
        db.session.add(SiteMember(site_id=site.id, account_id=owner.id, role="proprietaire"))
        when = site.created_at
        for _ in range(rng.randint(0, 4)):
            when += timedelta(days=rng.randint(1, 30))
            db.session.add(
                SiteActivity(site_id=site.id, account_id=owner.id, kind="etape", text="…", created_at=when)
            )
        db.session.add(
            SiteActivity(
                site_id=site.id,
                account_id=owner.id,
                kind=SHARE_KIND,
                text="a partagé le site avec les conseillers de son territoire",
                data={"actif": True},
                created_at=when + timedelta(hours=1),
            )
        )
    db.session.commit()


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *args, **kwargs):
        self.count += 1


def client_for(app, email: str):
    from app.accounts.models import Account

    account = Account.query.filter_by(email=email).one()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


def timed(client, url: str, counter: QueryCounter) -> tuple[float, int, int]:
    db.session.remove()  # as at the end of each request served: no object kept from the last one
    before = counter.count
    t = time.perf_counter()
    response = client.get(url)
    ms = (time.perf_counter() - t) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return ms, counter.count - before, len(response.data)


def p95(ms: list[float]) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(round(0.95 * len(ms))) - 1)]


def run(n: int, requests: int, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        advisers_file = Path(tmp) / "conseillers.yaml"
        advisers_file.write_text(
            f"conseillers:\n  - courriel: {ADVISER}\n    organisme: DDT du Pas-de-Calais\n"
            f'    departements: ["{DEPARTEMENT}"]\n',
            encoding="utf-8",
        )
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'bench.sqlite')}",
                "ENRICHMENT_ENABLED": False,
                "ADVISERS_FILE": str(advisers_file),
                "ADVISERS_REQUIRE_PROCONNECT": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            t = time.perf_counter()
            seed(n, rng)
            seeded = time.perf_counter() - t
            counter = QueryCounter(db.engine)
            anonymous = app.test_client()
            anonymous.get("/healthz")
            base = [timed(anonymous, "/healthz", counter)[0] for _ in range(max(20, requests))]
            base50 = statistics.median(base)
            print(f"\nN = {n} sites (seeded in {seeded:.1f} s) — /healthz p50 {base50:.2f} ms")
            for url, email in (("/mes-sites", OWNER), ("/conseiller", ADVISER)):
                client = client_for(app, email)
                cold, cold_q, size = timed(client, url, counter)
                warm = [timed(client, url, counter) for _ in range(requests)]
                ms = [w[0] for w in warm]
                queries = sorted({w[1] for w in warm})
                print(
                    f"  {url:<12} cold {cold:8.1f} ms ({cold_q} SQL)   warm p50 {statistics.median(ms):8.1f} ms"
                    f"  p95 {p95(ms):8.1f} ms  ×{statistics.median(ms) / base50:,.0f} /healthz"
                    f"   SQL/request {'/'.join(map(str, queries))}   HTML {size / 1024:.0f} Kio"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", default="10,100,300", help="comma-separated numbers of sites")
    parser.add_argument("--requests", type=int, default=5, help="warm requests per page")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, SQLite; load average {os.getloadavg()[0]:.2f}")
    for n in (int(x) for x in args.sites.split(",")):
        run(n, args.requests, random.Random(n))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
