"""Glue between the Flask app and the path engine: site facts from saved answers and territory.
Thin: the logic lives in app.engine; the engine and the content come from :mod:`app.content`."""

from __future__ import annotations

import gc
import hashlib
from datetime import date

from app import geo
from app.content import current_content, path_engine
from app.engine.facts import build_facts
from app.engine.parcours import PathResult


def freeze_long_lived() -> None:
    """The content and the territory dataset live as long as the process: load the dataset and
    move both out of the cyclic garbage collector's reach (``gc.freeze``). Otherwise every full
    collection walks their hundreds of thousands of objects again, a pause of about 130 ms that
    stalls every request of the worker (measured under load, bench/parcours_http_bench.py)."""
    geo.get_dataset()
    gc.freeze()


def territory(code: str | None) -> tuple[dict | None, dict | None, list[str]]:
    """(territory facts, ``territoire`` block, warnings) for a commune code."""
    if not code:
        return (
            None,
            None,
            ["La commune n'est pas connue : les contacts et les aides locales sont à vérifier."],
        )
    facts = geo.territory_facts(code)
    if facts is None:
        return None, None, [f"Commune inconnue ({code}) : les contacts et les aides locales sont à vérifier."]
    return facts, geo.territory_block(code), geo.territory_warnings(code, zonage=content_reads_zonage())


ZONAGE_FACTS = {("territoire", "zonage_abc"), ("territoire", "zone_detendue")}
_reads_zonage: dict[int, bool] = {}


def content_reads_zonage() -> bool:
    """Whether a step or a funding scheme of the served content depends on the zonage ABC: the
    caveat about the zonage's revision is worth reading only then (once per content bundle)."""
    from app.engine.conditions import referenced_facts

    catalogs = path_engine().catalogs
    key = id(catalogs)
    if key not in _reads_zonage:
        conditions = [s.condition for s in catalogs.steps]
        conditions += [c for s in catalogs.schemes.values() for c in (s.condition, s.eligibility)]
        _reads_zonage[key] = any(c and referenced_facts(c) & ZONAGE_FACTS for c in conditions)
    return _reads_zonage[key]


def site_answers(site, territory_facts: dict | None = None) -> dict:
    """Answer values by question id, without answers to questions the questionnaire hides now."""
    return current_content().questionnaire.effective_answers(site.answer_map(), territory_facts)


def compute_for_site(site, today: date | None = None) -> tuple[PathResult, dict | None]:
    facts_t, block, warnings = territory(site.commune_code)
    facts = build_facts(site_answers(site, facts_t), facts_t)
    name = block["commune"]["nom"] if block else None
    return path_engine().compute(facts, today=today, commune_name=name, warnings=warnings), block


STEP_VERSION_FIELD = "version"  # hidden field of the step form: the tracking it was loaded with


def step_version(entry) -> str:
    """A short fingerprint of a step's tracking (state, date, note) as a form shows it."""
    if entry is None:
        return "nouveau"
    raw = f"{entry.status}|{entry.date.isoformat() if entry.date else ''}|{entry.note or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def save_step(
    site, step, status: str, when: date | None, note: str | None, version: str | None = None
) -> str | None:
    """Upsert the site's tracking of ``step`` and record the statistics event when it changed.

    ``version`` is :func:`step_version` of the tracking the form was loaded with: when someone
    else changed it since, nothing is written and a French message naming both notes and states
    is returned for the user to choose (None when saved). Two first saves of the same step at
    the same moment both succeed (upsert). The caller commits."""
    from app.events import EventType, record
    from app.extensions import db
    from app.models import STEP_STATUSES, StepProgress, upsert

    entry = next((p for p in site.steps if p.step_id == step.id), None)
    current = (entry.status, entry.date, entry.note) if entry else None
    if version is not None and version != step_version(entry) and current != (status, when, note):
        theirs_note = f"la note « {entry.note} »" if entry and entry.note else "aucune note"
        theirs_status = STEP_STATUSES.get(entry.status, entry.status) if entry else "À faire"
        return (
            "Pendant que vous modifiiez cette étape, quelqu'un d'autre l'a enregistrée : état "
            f"« {theirs_status} », {theirs_note}. Votre saisie est affichée : gardez-la ou "
            "reprenez l'autre, puis enregistrez."
        )
    upsert(
        StepProgress,
        {"site_id": site.id, "step_id": step.id},
        {"status": status, "date": when, "note": note},
    )
    if entry is not None:
        db.session.expire(entry)
    db.session.expire(site, ["steps"])
    if current != (status, when, note):
        record(EventType.STEP_STATUS, site, {"etape": step.id, "phase": step.phase.id, "statut": status})
    return None
