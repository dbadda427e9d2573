"""Portfolio work that needs the app (database, content): run an import, compute the path
figures of each site, keep them fresh. The CNIG logic itself lives in app.portfolio_core."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, delete, func, insert, select, update

from app import geo
from app.content import current_content, path_engine
from app.engine.facts import build_facts
from app.events import EventType, record
from app.extensions import db
from app.models import Answer, Site, StepProgress, utcnow
from app.portfolio_core import mapping
from app.portfolio_core.readers import FileRejected, read_table
from app.portfolio_core.summary import summarise
from app.portfolio_core.validation import Analysis, RowResult, analyse

from .models import Portfolio, PortfolioImport, PortfolioSite, PortfolioSiteData

IMPORT_SOURCE = "votre inventaire"
CHUNK = 250
STALE_AFTER = timedelta(minutes=2)
MAX_REPORT_ROWS = 10_000


def max_rows() -> int:
    """Rows per file (``PORTFOLIO_MAX_ROWS``, app config or environment; 10,000)."""
    return int(current_app.config.get("PORTFOLIO_MAX_ROWS") or os.environ.get("PORTFOLIO_MAX_ROWS") or 10_000)


def max_bytes() -> int:
    """Bytes per file (``PORTFOLIO_MAX_BYTES``; else the request limit ``MAX_CONTENT_LENGTH``)."""
    value = current_app.config.get("PORTFOLIO_MAX_BYTES") or os.environ.get("PORTFOLIO_MAX_BYTES")
    return int(value or current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024)


def content_version() -> str:
    """Changes when the steps, their order or the schemes change (figures to recompute)."""
    version = current_app.extensions.get("portfolio_content_version")
    if version is None:
        cat = current_content().catalogs
        text = repr(
            (
                [(s.id, s.title, s.phase, s.after, s.schemes, repr(s.condition)) for s in cat.steps],
                sorted((k, repr(v.calendar), repr(v.eligibility)) for k, v in cat.schemes.items()),
            )
        )
        version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        current_app.extensions["portfolio_content_version"] = version
    return version


# --- analysis --------------------------------------------------------------------------------


def analyse_payload(imp: PortfolioImport) -> Analysis | None:
    """Read and check the stored file; a file-level problem is stored on ``imp`` (None)."""
    try:
        table = read_table(imp.filename, imp.payload or b"", max_rows=max_rows(), max_bytes=max_bytes())
    except FileRejected as exc:
        imp.summary = {"erreurs_fichier": [str(exc)]}
        imp.message = str(exc)
        return None
    result = analyse(table)
    imp.summary = result.summary()
    if result.file_errors:
        imp.message = " ".join(result.file_errors)
        return None
    imp.total = len(result.rows)
    imp.valid = len(result.valid_rows)
    imp.invalid = result.invalid_count
    imp.report = [r.report() for r in result.rows if r.errors or r.notes][:MAX_REPORT_ROWS]
    return result


# --- import ----------------------------------------------------------------------------------


def _territory(code: str):
    facts = geo.territory_facts(code)
    commune = geo.get_commune(code)
    return facts, commune


def _answer_rows(site_id: int, answers: dict, questionnaire, now) -> list[dict]:
    return [
        {
            "site_id": site_id,
            "question_id": qid,
            "value": value,
            "question_label": questionnaire.questions[qid].label,
            "value_label": questionnaire.label_of(qid, value),
            "source": IMPORT_SOURCE,
            "updated_at": now,
        }
        for qid, value in answers.items()
    ]


def import_rows(
    portfolio: Portfolio, rows: list[RowResult], today: date | None = None, stamp: datetime | None = None
) -> tuple[int, int]:
    """Create or update (by CNIG ``site_id``) the sites of ``rows`` and their path figures, in
    the current transaction. Returns (created, updated). ``stamp`` (the job's start) dates the
    sites and answers written, so that they are all older than the figures computed from them
    (see :func:`stale_items`)."""
    questionnaire = current_content().questionnaire
    existing = dict(
        db.session.execute(
            select(PortfolioSite.cnig_site_id, PortfolioSite.site_id).where(
                PortfolioSite.portfolio_id == portfolio.id,
                PortfolioSite.cnig_site_id.in_([r.site_id for r in rows]),
            )
        ).all()
    )
    now = stamp or utcnow()
    prepared = []
    for r in rows:
        loc = r.location
        facts_t, commune = _territory(loc.commune_code)
        answers = mapping.answers_from_record(r.record, questionnaire)
        site_values = {
            "nom": (r.record.get("site_nom") or None) and r.record["site_nom"][:200],
            "commune_code": commune.code,
            "epci_code": commune.epci,
            "departement_code": commune.departement,
            "region_code": commune.region,
            "point_geojson": loc.point,
            "perimeter_geojson": loc.perimeter,
            "surface_m2": loc.surface_m2,
            "updated_at": now,
        }
        prepared.append((r, commune, facts_t, answers, site_values))

    new = [p for p in prepared if p[0].site_id not in existing]
    old = [p for p in prepared if p[0].site_id in existing]
    site_ids: dict[str, int] = dict(existing)
    if new:
        ids = db.session.execute(
            insert(Site).returning(Site.id, sort_by_parameter_order=True),
            [
                {**values, "token": _token(), "created_at": now, "is_demo": False}
                for (_r, _c, _f, _a, values) in new
            ],
        ).scalars()
        for p, sid in zip(new, ids, strict=True):
            site_ids[p[0].site_id] = sid
    for r, _c, _f, _a, values in old:
        db.session.execute(update(Site).where(Site.id == site_ids[r.site_id]).values(**values))
    if old:
        # The file wins for the fields it fills; answers typed in the app for other fields stay.
        for r, _c, _f, answers, _v in old:
            sid = site_ids[r.site_id]
            db.session.execute(
                delete(Answer).where(
                    Answer.site_id == sid,
                    (Answer.source == IMPORT_SOURCE) | Answer.question_id.in_(list(answers)),
                )
            )
    answer_rows = []
    for r, _c, _f, answers, _v in prepared:
        answer_rows += _answer_rows(site_ids[r.site_id], answers, questionnaire, now)
    if answer_rows:
        _bulk_insert(Answer, answer_rows)

    # Path figures; existing sites keep their tracking and their other answers.
    old_ids = [site_ids[p[0].site_id] for p in old]
    progress = _progress_of(old_ids)
    kept_answers = _answers_of(old_ids)
    version = content_version()
    item_rows, item_updates = [], []
    for r, commune, facts_t, answers, values in prepared:
        sid = site_ids[r.site_id]
        all_answers = {**kept_answers.get(sid, {}), **answers}
        line = _item_values(
            r.record,
            commune,
            facts_t,
            all_answers,
            progress.get(sid, {}),
            values["surface_m2"],
            today,
            version,
        )
        data = {
            "cnig": r.record,
            "notes": r.notes or None,
            "imported_location": {"point": values["point_geojson"], "perimeter": values["perimeter_geojson"]},
            "summary": line.pop("summary"),
        }
        if r.site_id in existing:
            item_updates.append((sid, line, data))
        else:
            item_rows.append(
                ({**line, "portfolio_id": portfolio.id, "site_id": sid, "cnig_site_id": r.site_id}, data)
            )
    if item_rows:
        ids = db.session.execute(
            insert(PortfolioSite).returning(PortfolioSite.id, sort_by_parameter_order=True),
            [line for line, _data in item_rows],
        ).scalars()
        _bulk_insert(
            PortfolioSiteData,
            [{**data, "item_id": item_id} for (_line, data), item_id in zip(item_rows, ids, strict=True)],
        )
    for sid, line, data in item_updates:
        item_id = db.session.execute(
            update(PortfolioSite)
            .where(PortfolioSite.portfolio_id == portfolio.id, PortfolioSite.site_id == sid)
            .values(**line)
            .returning(PortfolioSite.id)
        ).scalar_one()
        db.session.execute(
            update(PortfolioSiteData).where(PortfolioSiteData.item_id == item_id).values(**data)
        )
    return len(new), len(old)


def _bulk_insert(model, rows: list[dict]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL (five times faster than
    psycopg's one INSERT per row for the 75,000 answers of 5,000 sites), an executemany elsewhere."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(model), rows)
        return
    table = model.__table__
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                        for c in columns
                    ]
                )


def _token() -> str:
    from app.models import new_token

    return new_token()


def _progress_of(site_ids: list[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    if not site_ids:
        return out
    for sid, step, status in db.session.execute(
        select(StepProgress.site_id, StepProgress.step_id, StepProgress.status).where(
            StepProgress.site_id.in_(site_ids)
        )
    ):
        out.setdefault(sid, {})[step] = status
    return out


def _answers_of(site_ids: list[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    if not site_ids:
        return out
    for sid, qid, value in db.session.execute(
        select(Answer.site_id, Answer.question_id, Answer.value).where(Answer.site_id.in_(site_ids))
    ):
        out.setdefault(sid, {})[qid] = value
    return out


def _item_values(record, commune, facts_t, answers, progress, surface_m2, today, version) -> dict:
    """The denormalised columns of a portfolio line (path computed here)."""
    today = today or date.today()
    questionnaire = current_content().questionnaire
    effective = questionnaire.effective_answers(answers, facts_t)
    path = path_engine().compute(build_facts(effective, facts_t), today=today, commune_name=commune.nom)
    summary = summarise(path, progress, {**effective, "site_statut": record.get("site_statut")}, today)
    surface = surface_m2
    if surface is None and isinstance(effective.get("unite_fonciere_surface"), int | float):
        surface = float(effective["unite_fonciere_surface"])
    return {
        "nom": (record.get("site_nom") or answers.get("site_nom") or "")[:200] or None,
        "commune_code": commune.code,
        "commune_nom": commune.nom,
        "statut": record.get("site_statut") or None,
        "usage": mapping.single_use(effective.get("usage")),
        "pollution": effective.get("sol_pollution_existe")
        if isinstance(effective.get("sol_pollution_existe"), str)
        else None,
        "surface_m2": surface,
        "phase_index": summary["phase"]["index"],
        "phase_title": summary["phase"]["title"],
        "next_step_id": summary["next_step"]["id"] if summary["next_step"] else None,
        "next_step_title": summary["next_step"]["title"] if summary["next_step"] else None,
        "next_deadline": date.fromisoformat(summary["next_deadline"]) if summary["next_deadline"] else None,
        "score": summary["score"],
        "summary": summary,
        "computed_on": today,
        "computed_at": utcnow(),
        "content_version": version,
    }


# --- freshness -------------------------------------------------------------------------------


def stale_items(portfolio: Portfolio, today: date | None = None) -> list[int]:
    """Ids of the lines whose figures are out of date: the site, its answers or its tracking
    changed after they were computed, a new day began, or the content changed.

    Cheap at any size: the lines are read from the narrow ``portfolio_site`` table, and only
    the changes made since the oldest line was computed are read, through the ``updated_at``
    indexes (the import dates what it writes with its start, before any line is computed)."""
    today = today or date.today()
    mine = PortfolioSite.portfolio_id == portfolio.id
    stale = set(
        db.session.execute(
            select(PortfolioSite.id).where(
                mine,
                PortfolioSite.computed_at.is_(None)
                | (PortfolioSite.computed_on != today)
                | (PortfolioSite.content_version != content_version()),
            )
        ).scalars()
    )
    since = db.session.execute(select(func.min(PortfolioSite.computed_at)).where(mine)).scalar()
    if since is None:
        return sorted(stale)
    changed: dict[int, datetime] = {}
    # no GROUP BY: it would make SQLite walk the site_id index instead of the updated_at one
    for site_id, at in [
        *db.session.execute(select(Answer.site_id, Answer.updated_at).where(Answer.updated_at > since)),
        *db.session.execute(
            select(StepProgress.site_id, StepProgress.updated_at).where(StepProgress.updated_at > since)
        ),
        *db.session.execute(select(Site.id, Site.updated_at).where(Site.updated_at > since)),
    ]:
        if at > changed.get(site_id, since):
            changed[site_id] = at
    site_ids = list(changed)
    for start in range(0, len(site_ids), 500):
        for line_id, site_id, computed_at in db.session.execute(
            select(PortfolioSite.id, PortfolioSite.site_id, PortfolioSite.computed_at).where(
                mine, PortfolioSite.site_id.in_(site_ids[start : start + 500])
            )
        ):
            if computed_at is not None and changed[site_id] > computed_at:
                stale.add(line_id)
    return sorted(stale)


def refresh_items(item_ids: list[int], today: date | None = None) -> int:
    """Recompute the figures of these lines (and their commune, if the site moved)."""
    version = content_version()
    done = 0
    for start in range(0, len(item_ids), CHUNK):
        chunk = item_ids[start : start + CHUNK]
        items = db.session.execute(select(PortfolioSite).where(PortfolioSite.id.in_(chunk))).scalars().all()
        site_ids = [i.site_id for i in items]
        sites = {s.id: s for s in db.session.execute(select(Site).where(Site.id.in_(site_ids))).scalars()}
        answers = _answers_of(site_ids)
        progress = _progress_of(site_ids)
        for item in items:
            site = sites[item.site_id]
            code = site.commune_code or item.commune_code
            facts_t, commune = _territory(code)
            if commune is None:
                continue
            values = _item_values(
                item.cnig,
                commune,
                facts_t,
                answers.get(site.id, {}),
                progress.get(site.id, {}),
                site.surface_m2,
                today,
                version,
            )
            if site.nom:
                values["nom"] = site.nom
            for key, value in values.items():
                setattr(item, key, value)
            done += 1
        db.session.commit()
    return done


# --- export ----------------------------------------------------------------------------------


def export_records(portfolio: Portfolio):
    """(CNIG record, GeoJSON geometry or None) of each site, with the answers given since the
    import and the site's location when it was moved in the app."""
    from app.portfolio_core.export import geometry_fields

    questionnaire = current_content().questionnaire
    items = (
        db.session.execute(
            select(PortfolioSite)
            .where(PortfolioSite.portfolio_id == portfolio.id)
            .order_by(PortfolioSite.id)
            .execution_options(yield_per=500)
        )
        .scalars()
        .all()
    )
    site_ids = [i.site_id for i in items]
    answers = {}
    for start in range(0, len(site_ids), 900):
        answers.update(_answers_of(site_ids[start : start + 900]))
    sites = {}
    for start in range(0, len(site_ids), 900):
        for row in db.session.execute(
            select(Site.id, Site.nom, Site.commune_code, Site.point_geojson, Site.perimeter_geojson).where(
                Site.id.in_(site_ids[start : start + 900])
            )
        ):
            sites[row.id] = row
    for item in items:
        site = sites[item.site_id]
        rec = mapping.record_with_answers(item.cnig, answers.get(item.site_id, {}), questionnaire)
        if site.nom:
            rec["site_nom"] = site.nom
        imported = item.imported_location or {}
        moved = (site.point_geojson, site.perimeter_geojson) != (
            imported.get("point"),
            imported.get("perimeter"),
        )
        if moved or not rec.get("geompoint"):
            point = site.point_geojson
            if point is None and site.perimeter_geojson is None:
                point = _commune_point(site.commune_code)
            rec.update(geometry_fields(rec, point, site.perimeter_geojson))
        if site.commune_code and site.commune_code != rec.get("comm_insee"):
            commune = geo.get_commune(site.commune_code)
            if commune is not None:
                rec["comm_insee"], rec["comm_nom"] = commune.code, commune.nom
        yield rec, site.perimeter_geojson or site.point_geojson


def _commune_point(code: str | None) -> dict | None:
    """A point inside the commune (for a site known by its commune only), as GeoJSON."""
    found = geo.commune_point(code) if code else None
    return {"type": "Point", "coordinates": [found[0], found[1]]} if found else None


def record_import_event(portfolio: Portfolio, imp: PortfolioImport) -> None:
    record(
        EventType.PORTFOLIO_IMPORTED,
        None,
        {"sites": imp.created + imp.updated, "format": (imp.summary or {}).get("format")},
    )


def touch(imp: PortfolioImport) -> None:
    imp.heartbeat_at = utcnow()


def is_stale(imp: PortfolioImport, now: datetime | None = None) -> bool:
    now = now or utcnow()
    last = imp.heartbeat_at or imp.created_at
    return imp.running and last < now - STALE_AFTER
