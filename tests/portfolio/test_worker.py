"""The task queue for real: a Huey consumer on the SQLite storage runs the import; jobs
enqueued before the consumer starts are kept; an interrupted import resumes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from huey.storage import SqliteStorage

from app.extensions import db
from app.models import Site, utcnow
from app.portfolio import jobs, service
from app.portfolio.models import PortfolioImport, PortfolioSite
from app.tasks import bind_app, huey

from .conftest import cnig_csv, upload


def _wait(import_id: int, statuses: set[str], seconds: float = 60) -> PortfolioImport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.expire_all()
        imp = db.session.get(PortfolioImport, import_id)
        if imp.status in statuses:
            return imp
        time.sleep(0.2)
    raise AssertionError(f"import {import_id} still {imp.status}")


@pytest.fixture
def sqlite_queue(tmp_path, app):
    previous = huey.storage
    huey.immediate = False
    huey.storage = SqliteStorage(huey.name, filename=str(tmp_path / "huey.sqlite"))
    bind_app(app)
    yield huey
    huey.storage = previous
    bind_app(None)


def test_real_consumer_on_sqlite_storage(client, sqlite_queue):
    # enqueued while no worker runs: the task waits in the SQLite storage
    upload(client, cnig_csv(300))
    imp = db.session.query(PortfolioImport).one()
    assert imp.status == "en_attente"
    assert sqlite_queue.pending_count() == 1

    consumer = sqlite_queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        imp = _wait(imp.id, {"analyse_terminee", "refuse"})
        assert imp.status == "analyse_terminee" and imp.valid == 300
        client.post(f"/portefeuilles/{imp.portfolio.token}/imports/{imp.id}/lancer", data={"mode": "tout"})
        imp = _wait(imp.id, {"termine", "echec"})
        assert imp.status == "termine" and imp.created == 300
        assert db.session.query(PortfolioSite).count() == 300
        page = client.get(f"/portefeuilles/{imp.portfolio.token}/imports/{imp.id}")
        assert "Import terminé" in page.get_data(as_text=True)
        assert 'http-equiv="refresh"' not in page.get_data(as_text=True)
    finally:
        consumer.stop(graceful=True)


def test_progress_page_refreshes_itself_while_running(client, sqlite_queue):
    upload(client, cnig_csv(5))
    imp = db.session.query(PortfolioImport).one()
    html = client.get(f"/portefeuilles/{imp.portfolio.token}/imports/{imp.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "fr-stepper" in html and "Étape 1 sur 3" in html


def test_interrupted_import_resumes_where_it_stopped(client, monkeypatch):
    upload(client, cnig_csv(600))
    imp = db.session.query(PortfolioImport).one()
    imp.status, imp.mode = "import_demande", "tout"
    db.session.commit()

    real = service.import_rows
    calls = []

    def crash_after_first_chunk(portfolio, rows, today=None, stamp=None):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(portfolio, rows, today, stamp)

    monkeypatch.setattr(service, "import_rows", crash_after_first_chunk)
    with pytest.raises(RuntimeError):
        jobs.run(imp.id)
    db.session.rollback()
    db.session.expire_all()
    assert (imp.status, imp.processed) == ("import", 250)
    assert db.session.query(Site).count() == 250
    monkeypatch.setattr(service, "import_rows", real)

    # nothing happens while the job looks alive; once stale, it is re-enqueued and resumes
    assert jobs.resume_stale_imports() == []
    imp.heartbeat_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert jobs.resume_stale_imports() == [imp.id]
    db.session.expire_all()
    assert imp.status == "termine"
    assert (imp.processed, imp.created) == (600, 600)
    assert db.session.query(Site).count() == 600
