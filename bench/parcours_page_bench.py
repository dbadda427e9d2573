"""How long and heavy the path page is for the audit's Loos-en-Gohelle journey, as a user sees it.

Usage::

    .venv/bin/python bench/parcours_page_bench.py

Serves the app on 127.0.0.1 (fresh SQLite database, the journey's site of
``tests/parcours/journey.py``), opens the path page in Debian's Chromium at 1280×800, closes
every phase accordion, and prints: the number of steps, the page height in pixels and in
screens of 800 px, the HTML size (raw and gzip level 6, what a reverse proxy sends), the number
of links to a contact's page or directory search (« contact blocks ») against the number of
distinct contacts, and the number of step cards showing a reason. Results: docs/benchmarks.md,
section « Page parcours ». The browser test tests/parcours/test_parcours_length.py asserts the
targets on the same journey.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}

OPEN_PHASE = '.pf-phase .fr-accordion__btn[aria-expanded="true"]'


def close_phases(page) -> None:
    """Close every open phase accordion (the user's « phases closed ») and wait for the end of
    the DSFR collapse transition."""
    while page.locator(OPEN_PHASE).count():
        page.locator(OPEN_PHASE).first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pf-phase .fr-collapse')]"
        ".every(c => getComputedStyle(c).visibility === 'hidden')"
    )


def measure(page, url: str, contact_urls: set[str]) -> dict:
    """Figures of the path page at ``url``; ``contact_urls`` are the path's contacts' links."""
    response = page.goto(url, wait_until="networkidle")
    html = response.body()
    height_open = page.evaluate("() => document.documentElement.scrollHeight")
    close_phases(page)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return {
        "height": height,
        "height_open": height_open,
        "screens": round(height / VIEWPORT["height"], 1),
        "html": len(html),
        "html_gzip": len(gzip.compress(html, 6)),
        "contact_links": sum(1 for h in hrefs if h in contact_urls),
        "contact_entries": page.locator(".pf-contact").count(),
    }


def main() -> None:
    import logging

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db
    from app.parcours.service import compute_for_site
    from tests.parcours import journey

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'page.sqlite'}",
            "ENRICHMENT_ENABLED": False,
            "SECRET_KEY": "bench",
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
            site = journey.make_site(db)
            token = site.token
            result, _ = compute_for_site(site)
            contact_urls = {c.url for c in result.contacts}
            steps, contacts = len(result.steps), len(result.contacts)
            blocks = sum(len(s.contacts) for s in result.steps)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/sites/{token}/parcours"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport=VIEWPORT, locale="fr-FR").new_page()
            figures = measure(page, url, contact_urls)
            browser.close()
        server.shutdown()
    print(f"Étapes : {steps} ; contacts distincts : {contacts}")
    print(f"Hauteur : {figures['height']} px, soit {figures['screens']} écrans de 800 px (phases fermées)")
    print(f"Hauteur à l'ouverture (phase en cours ouverte) : {figures['height_open']} px")
    print(
        f"HTML : {figures['html'] / 1024:.1f} Kio, {figures['html_gzip'] / 1024:.1f} Kio compressé (gzip 6)"
    )
    print(f"Liens vers un contact : {figures['contact_links']} pour {contacts} contacts")
    print(f"Blocs contact : {figures['contact_entries']} (avant : un par contact et par étape, {blocks})")


if __name__ == "__main__":
    main()
