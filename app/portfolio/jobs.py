"""Background jobs of the portfolios (Huey tasks, see app.tasks).

An import runs in two steps: the check (read the file, validate every row, store the French
report) and the import (create or update the sites by CNIG ``site_id`` and compute their
paths, in chunks of 250 rows, each committed with the progress). A job interrupted by a
restart is re-enqueued by :func:`resume_stale_imports` and resumes after its last committed
chunk; the import being idempotent, a chunk done twice changes nothing.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.exceptions import TaskLockedException
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from app.tasks import app_context, huey

from . import service
from .models import PortfolioImport, PortfolioSite

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@huey.task(retries=2, retry_delay=10)
def process_import(import_id: int) -> None:
    try:
        with huey.lock_task(f"portfolio-import-{import_id}"), app_context():
            run(import_id)
    except TaskLockedException:
        log.info("import %s already running elsewhere", import_id)


@huey.task()
def refresh_portfolio(portfolio_id: int) -> None:
    try:
        with huey.lock_task(f"portfolio-refresh-{portfolio_id}"), app_context():
            from .models import Portfolio

            portfolio = db.session.get(Portfolio, portfolio_id)
            if portfolio is not None:
                service.refresh_items(service.stale_items(portfolio))
    except TaskLockedException:
        pass


def run(import_id: int) -> None:
    imp = db.session.get(PortfolioImport, import_id)
    if imp is None or not imp.running:
        return
    imp.attempts += 1
    if imp.attempts > MAX_ATTEMPTS:
        imp.message = (
            "L'import n'a pas pu aboutir après plusieurs essais. Les sites déjà importés sont conservés ; "
            "déposez le fichier à nouveau pour reprendre (l'import met à jour les sites par leur site_id)."
        )
        _finish(imp, "echec")
        return
    imp.started_at = imp.started_at or utcnow()
    service.touch(imp)
    if imp.status in ("en_attente", "analyse"):
        imp.status = "analyse"
        db.session.commit()
        analysis = service.analyse_payload(imp)
        if analysis is None:
            _finish(imp, "refuse")
            return
        if not imp.auto_import:
            imp.status = "analyse_terminee"
            imp.message = None
            service.touch(imp)
            db.session.commit()
            return
        if imp.invalid and imp.mode != "valides":
            imp.message = (
                f"{imp.invalid} ligne(s) ne respectent pas le standard : rien n'a été importé. Corrigez-les, "
                "ou demandez l'import des seules lignes valides."
            )
            _finish(imp, "refuse")
            return
        imp.status = "import"
        db.session.commit()
    else:
        # import requested (or resumed after a restart): check the file again, it has not changed
        analysis = service.analyse_payload(imp)
        if analysis is None:
            _finish(imp, "refuse")
            return
        if imp.invalid and imp.mode != "valides":
            imp.message = f"{imp.invalid} ligne(s) ne respectent pas le standard : rien n'a été importé."
            _finish(imp, "refuse")
            return
        imp.status = "import"
        db.session.commit()
    rows = analysis.valid_rows
    portfolio = imp.portfolio
    stamp = utcnow()  # dates the sites and answers written (older than every figure computed)
    while imp.processed < len(rows):
        chunk = rows[imp.processed : imp.processed + service.CHUNK]
        created, updated = service.import_rows(portfolio, chunk, stamp=stamp)
        imp.created += created
        imp.updated += updated
        imp.processed += len(chunk)
        service.touch(imp)
        db.session.commit()
    service.record_import_event(portfolio, imp)
    portfolio.updated_at = utcnow()
    _finish(imp, "termine")


def _finish(imp: PortfolioImport, status: str) -> None:
    imp.status = status
    imp.finished_at = utcnow()
    imp.payload = None  # the file is no longer needed
    service.touch(imp)
    db.session.commit()


@huey.on_startup()
def _resume_on_startup() -> None:
    resume_stale_imports()


@huey.periodic_task(crontab(minute="*"))
def _resume_every_minute() -> None:
    resume_stale_imports()


def resume_stale_imports() -> list[int]:
    """Re-enqueue the imports whose worker stopped (no progress for two minutes)."""
    with app_context():
        now = utcnow()
        ids = []
        for imp in db.session.execute(
            select(PortfolioImport).where(
                PortfolioImport.status.in_(("en_attente", "analyse", "import_demande", "import"))
            )
        ).scalars():
            if service.is_stale(imp, now):
                ids.append(imp.id)
        for import_id in ids:
            process_import(import_id)
        return ids


def enqueue_import(imp: PortfolioImport) -> None:
    service.touch(imp)
    db.session.commit()
    process_import(imp.id)


def enqueue_refresh(portfolio_id: int) -> None:
    refresh_portfolio(portfolio_id)


__all__ = ["PortfolioSite", "enqueue_import", "process_import", "resume_stale_imports", "run"]
