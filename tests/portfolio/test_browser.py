"""The portfolio journey in real Chromium, with a real Huey consumer on the SQLite storage:
upload a 1,000-row CNIG file, watch the check and the import progress (pages that refresh
themselves, no JavaScript needed), then the portfolio page with its map; accessible
(axe-core), no third-party request."""

from __future__ import annotations

import re

import pytest
from huey.storage import SqliteStorage

from app.tasks import bind_app, huey
from tests.conftest import make_app, run_axe, save_screenshot

from .conftest import cnig_csv

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(database_url, live_server, tmp_path):
    previous = huey.storage
    huey.immediate = False
    huey.storage = SqliteStorage(huey.name, filename=str(tmp_path / "huey.sqlite"))
    bind_app(make_app(database_url))
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    yield consumer
    consumer.stop(graceful=True)
    huey.storage = previous
    bind_app(None)


def test_import_1000_rows_and_watch_the_progress(page, worker, tmp_path):
    path = tmp_path / "inventaire.csv"
    path.write_text(cnig_csv(1000, delimiter=";"), encoding="utf-8")
    page.goto(f"{page.base_url}/portefeuilles")
    page.fill("#nom", "Friches de test")
    page.set_input_files("#fichier", str(path))
    page.click("button[type=submit]")
    assert "/imports/" in page.url
    seen = [page.locator("#etat-import").inner_text()]

    page.wait_for_selector("text=1000 correcte(s)", timeout=60_000)
    violations = run_axe(page)
    assert violations == [], violations
    page.click("text=Importer les 1000 site(s)")
    seen.append(page.locator("#etat-import").inner_text())
    while "Import terminé" not in seen[-1]:
        page.wait_for_load_state("load")  # the page refreshes itself every 2 s
        page.wait_for_timeout(500)
        seen.append(page.locator("#etat-import").inner_text())
        assert len(seen) < 400, seen[-1]
    progress = [s for s in seen if "Sites importés et parcours calculés" in s]
    assert progress, seen
    assert re.search(r"\d+ sur 1000", progress[0])
    save_screenshot(page, "portefeuille-import")

    page.click("text=Voir le portefeuille")
    assert page.locator("h1").inner_text() == "Friches de test"
    assert "1 000" in page.locator("#chiffres + div").inner_text()
    page.locator("#carte-portefeuille.leaflet-container canvas").first.wait_for(state="attached")
    page.click("#tableau th a:has-text('Pollution des sols')")  # sort by a column
    assert "tri=pollution" in page.url
    violations = run_axe(page)
    save_screenshot(page, "portefeuille")
    assert violations == [], violations

    page.click("text=Par où commencer ?")
    assert page.locator("ol.pf-start-list > li").count() == 20
    assert page.locator("ol.pf-start-list > li").first.locator("text=Prochaine étape").count() == 1
    assert run_axe(page) == []
    outside = [url for url in page.requests_seen if not url.startswith(page.base_url)]
    assert outside == []
