"""Save a site's location and store the enrichment pre-fills (needs an app context)."""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import UTC, datetime

from flask import current_app
from shapely.geometry import mapping, shape

from app.clients import ECHEC, PARTIEL, SUCCES, Result, enrich_site, make_clients
from app.extensions import db
from app.geo import commune_for_geometry, surface_m2
from app.models import Answer, Site


def save_location(site: Site, commune, point=None, perimeter=None) -> list[str]:
    """Store the territory codes, point, perimeter and surface on ``site``; run the enrichment
    (short timeouts) when a point or perimeter is known. Returns French warnings to show."""
    warnings: list[str] = []
    site.commune_code = commune.code
    site.epci_code = commune.epci
    site.departement_code = commune.departement
    site.region_code = commune.region
    site.perimeter_geojson = mapping(perimeter) if perimeter is not None else None
    if point is None and perimeter is not None:
        point = perimeter.representative_point()
    site.point_geojson = mapping(point) if point is not None else None
    site.surface_m2 = surface_m2(perimeter) if perimeter is not None else None
    site.enrichissement = None
    geom = perimeter if perimeter is not None else point
    if geom is not None:
        warnings.extend(_enrich(site, geom))
    db.session.commit()
    return warnings


def refresh_enrichment(site: Site) -> list[str] | None:
    """Query the public APIs again for a located site (e.g. after one did not answer).
    Returns the French warnings, or None when the site has no point or perimeter."""
    geojson = site.perimeter_geojson or site.point_geojson
    if not geojson:
        return None
    warnings = _enrich(site, shape(geojson))
    db.session.commit()
    return warnings


def _enrich(site: Site, geom) -> list[str]:
    if not current_app.config.get("ENRICHMENT_ENABLED", True):
        return []
    report = enrich_site(geom, site.commune_code, current_app.config)
    site.enrichissement = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # the envelope of each source without its data (pre-fills are stored as answers)
        "sources": {
            name: {k: v for k, v in r.to_dict().items() if k != "donnees"}
            for name, r in report.results.items()
        },
    }
    _store_prefills(site, report.prefills)
    return report.avertissements


def _store_prefills(site: Site, prefills) -> None:
    existing = {a.question_id: a for a in site.answers}
    for p in prefills:
        answer = existing.get(p.question_id)
        if answer is not None and answer.source is None:
            continue  # never overwrite what the user typed
        if answer is None:
            answer = Answer(site=site, question_id=p.question_id)
            db.session.add(answer)
        answer.value = p.value
        answer.value_label = p.value_label or str(p.value)
        answer.question_label = answer.question_label or ""
        answer.source = p.source


_BADGES = {
    SUCCES: ("Réponse complète", "fr-badge--success"),
    PARTIEL: ("Réponse partielle", "fr-badge--warning"),
    ECHEC: ("Indisponible", "fr-badge--error"),
}


def enrichment_summary(site: Site) -> dict | None:
    """The stored enrichment report, ready for display (French dates and badges)."""
    report = site.enrichissement
    if not report:
        return None
    sources = []
    for entry in report.get("sources", {}).values():
        badge, badge_class = _BADGES.get(entry.get("statut"), ("Inconnu", ""))
        sources.append({**entry, "badge": badge, "badge_class": badge_class})
    when = datetime.fromisoformat(report["date"])
    return {
        "date": when.strftime("%d/%m/%Y à %H h %M (UTC)"),
        "sources": sources,
        "a_relancer": any(e.get("statut") != SUCCES for e in report.get("sources", {}).values()),
    }


def commune_of(geom):
    return commune_for_geometry(geom)


# --- address search: a bounded, cached proxy to API Adresse, never an open relay --------------------

ADDRESS_MAX_CHARS = 120  # the longest French address line is far shorter
ADDRESS_RESULTS = 6
# Letters (any script, for accented names), digits, spaces and the punctuation of addresses.
_ADDRESS_CHARS = re.compile(r"^[\w\s'’,.\-/°()]+$")
# Upstream calls in flight per process: beyond them, the embedded commune search answers, so
# that a slow API Adresse can never take every thread of a worker.
ADDRESS_CONCURRENCY = 2
_address_slots = threading.BoundedSemaphore(ADDRESS_CONCURRENCY)
BUSY = "La recherche d'adresse est très sollicitée : voici les communes correspondantes."


def address_query(raw: str | None) -> tuple[str, str | None]:
    """(normalised query, French error or None): printable address characters only, at most
    ``ADDRESS_MAX_CHARS``, spaces collapsed (the cache key is the normalised text)."""
    q = unicodedata.normalize("NFC", " ".join((raw or "").split()))
    if len(q) > ADDRESS_MAX_CHARS:
        return "", f"L'adresse ne doit pas dépasser {ADDRESS_MAX_CHARS} caractères."
    if q and not _ADDRESS_CHARS.match(q):
        return "", "L'adresse contient des caractères non autorisés."
    return q, None


def search_addresses(q: str) -> Result | None:
    """API Adresse's answer for ``q`` (cached by the client), or None when enrichment is off;
    a failure result when every upstream slot of this process is busy."""
    if not current_app.config.get("ENRICHMENT_ENABLED", True):
        return None
    if not _address_slots.acquire(blocking=False):
        return Result.failure("API Adresse", BUSY)
    try:
        return make_clients(current_app.config)["adresse"].search(q.lower(), ADDRESS_RESULTS)
    finally:
        _address_slots.release()
