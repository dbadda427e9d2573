"""Bytes transferred by Chromium for the main pages, first load and revisit (issue 12, item 9).

Usage::

    .venv/bin/python bench/page_weight_bench.py [--write]

Starts gunicorn twice on 127.0.0.1 with the embedded SQLite default (a fresh file), seeded with
the demonstration data of ``flask demo seed`` and the audit's site (Loos-en-Gohelle, 3.2 ha,
suspected pollution, housing):

1. the baseline: ``LIGHT_ASSETS=0`` — what the service sent before issue 12: the whole
   ``dsfr.min.css`` and ``icons.min.css``, every file uncompressed and revalidated on each visit
   (``Cache-Control: no-cache``), HTML uncompressed;
2. as served: ``LIGHT_ASSETS=1`` (the default) — WhiteNoise with fingerprinted names and
   precompressed files, the DSFR subset and icon subset built by ``make setup``, HTML compressed
   by Flask-Compress.

For each of home, a questionnaire page, the path page, /stats and /projets-inspirants (twelve
published projects in twelve communes, seeded here, with their map), Debian's Chromium (Playwright)
opens the page in a fresh browser context (empty cache: *first load*), then opens it again in a
new tab of the same context (*revisit*). Bytes are what the network delivered, headers included:
the sum of ``encodedDataLength`` of the CDP ``Network.loadingFinished`` events (a response served
from the browser's cache counts 0). The run prints each figure, its ratio to the baseline
measured in the same run and to the issue's targets (home ≤ 300 kB first load, ≤ 40 kB revisit;
Chromium offers Brotli to 127.0.0.1 (a secure context), as it does over HTTPS in production.
``--details`` lists the heaviest responses of each first load; ``--only LABEL`` measures one page. The figures shown on
/ecoconception are written by ``bench/ecodesign_bench.py --write``.
Results: docs/benchmarks.md (« Poids des pages »).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
TARGETS = {
    ("Accueil", "first"): 300_000,
    ("Accueil", "revisit"): 40_000,
    ("Parcours du site", "first"): 350_000,
}


def seed(database_url: str) -> str:
    """Schema, demonstration data (for /stats) and the audit's site; returns its token."""
    from datetime import date

    from app import create_app
    from app.extensions import db
    from app.stats import demo
    from bench.parcours_http_bench import seed as seed_site

    token = seed_site(database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        demo.seed(db.session, date.today())
        seed_projects(db)
        db.session.commit()
    return token


# Published projects of the seeded network (commune codes of twelve cities, usages of the
# questionnaire), so that /projets-inspirants shows a list and a map of a realistic size.
PROJECTS = [
    ("62528", "habitat", "Une ancienne tôlerie devenue logements"),
    ("59350", "autres activités économiques", "Une filature rendue aux artisans"),
    ("69123", "équipement public", "Un dépôt de bus devenu gymnase"),
    ("33063", "renaturation", "Une voie ferrée devenue promenade"),
    ("44109", "mixte", "Un quartier sur d'anciens chantiers"),
    ("67482", "habitat", "Une brasserie transformée en logements"),
    ("13055", "panneaux photovoltaïques", "Une décharge couverte de panneaux solaires"),
    ("31555", "autres activités économiques", "Un hangar d'aviation devenu pépinière d'entreprises"),
    ("35238", "équipement public", "Une caserne devenue médiathèque"),
    ("21231", "renaturation", "Une friche ferroviaire rendue à la nature"),
    ("63113", "mixte", "Une usine de pneus devenue quartier"),
    ("80021", "habitat", "Une friche textile devenue résidence"),
]


def seed_projects(db) -> None:
    from app.geo import get_commune
    from app.models import Site
    from app.reseau import service
    from app.reseau.models import ProjetInspirant

    for code, usage, title in PROJECTS:
        commune = get_commune(code)
        site = Site(
            nom=title,
            commune_code=code,
            departement_code=commune.departement if commune else None,
            region_code=commune.region if commune else None,
        )
        db.session.add(site)
        db.session.flush()
        projet = ProjetInspirant(
            site_id=site.id,
            titre=title,
            recit="Le site était fermé depuis vingt ans. La commune l'a racheté avec l'établissement "
            "public foncier, puis a choisi un projet avec les habitants.",
            usage=usage,
            phase="realiser",
            surface_m2=15_000,
            commune_code=code,
            departement_code=site.departement_code,
            region_code=site.region_code,
        )
        service.approve(projet)
        db.session.add(projet)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, light: bool, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "ENRICHMENT_ENABLED": "0",
        "RATELIMIT_ENABLED": "0",
        "LIGHT_ASSETS": "1" if light else "0",
    }
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "/dev/null",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped (log: {log.name})")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"gunicorn did not answer /healthz (log: {log.name})")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Recorder:
    """Bytes delivered by the network to one tab (CDP Network domain)."""

    def __init__(self, context, page):
        self.bytes = 0
        self.requests = 0
        self.from_network = 0
        self.by_url: dict[str, int] = {}
        self._urls: dict[str, str] = {}
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, event):
        self.requests += 1
        self._urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        size = int(event.get("encodedDataLength", 0))
        self.bytes += size
        if size:
            self.from_network += 1
            url = self._urls.get(event["requestId"], "?")
            self.by_url[url] = self.by_url.get(url, 0) + size


def measure(browser, url: str) -> dict:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    result = {}
    for visit in ("first", "revisit"):
        page = context.new_page()
        recorder = Recorder(context, page)
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(300)
        result[visit] = recorder
        page.close()
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="list the heaviest responses")
    parser.add_argument("--only", help="measure only the page with this label")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'weight.sqlite'}"
        token = seed(database_url)
        pages = [
            ("Accueil", "/"),
            ("Questionnaire (une page)", f"/sites/{token}/questionnaire/histoire"),
            ("Parcours du site", f"/sites/{token}/parcours"),
            ("Statistiques", "/stats"),
            ("Projets inspirants", "/projets-inspirants"),
        ]
        if args.only:
            pages = [(label, path) for label, path in pages if label == args.only]
        figures: dict[str, dict] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
            )
            for mode, light in (("baseline", False), ("light", True)):
                with open(Path(tmp) / f"gunicorn-{mode}.log", "w") as log:
                    proc, base = start_gunicorn(database_url, light, log)
                    try:
                        figures[mode] = {label: measure(browser, base + path) for label, path in pages}
                    finally:
                        stop(proc)
            browser.close()

    print(
        f"{'page':28s} {'visit':8s} {'baseline':>10s} {'now':>10s} {'req.':>5s} {'now/base':>9s} {'target':>8s}"
    )
    for label, _ in pages:
        for visit in ("first", "revisit"):
            before = figures["baseline"][label][visit]
            after = figures["light"][label][visit]
            target = TARGETS.get((label, visit))
            target_text = f"{after.bytes / target:.2f}" if target else "-"
            print(
                f"{label:28s} {visit:8s} {before.bytes / 1000:8.1f}kB {after.bytes / 1000:8.1f}kB "
                f"{after.from_network:5d} {after.bytes / before.bytes:9.2f} {target_text:>8s}"
            )
    print("(now/base: ratio to the baseline of this run; target: ratio to the issue's target, ≤ 1 is met)")
    if args.details:
        for mode in ("baseline", "light"):
            for label, _ in pages:
                rec = figures[mode][label]["first"]
                print(f"\n{mode} — {label}, first load, heaviest responses:")
                for url, size in sorted(rec.by_url.items(), key=lambda kv: -kv[1])[:8]:
                    print(f"  {size / 1000:7.1f} kB  {url.split('/', 3)[-1][:90]}")


if __name__ == "__main__":
    main()
