"""Save a site's location and store the enrichment pre-fills (needs an app context)."""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from shapely.geometry import mapping, shape

from app.clients import ECHEC, PARTIEL, SUCCES, Result, enrich_site, make_clients
from app.extensions import db
from app.geo import GeoError, commune_for_geometry, parse_geojson, surface_m2
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
    _store_perimeter_surface(site)
    db.session.commit()
    return warnings


def refresh_enrichment(site: Site) -> list[str] | None:
    """Query the public APIs again for a located site (e.g. after one did not answer).
    Returns the French warnings, or None when the site has no point or perimeter."""
    geojson = site.perimeter_geojson or site.point_geojson
    if not geojson:
        return None
    warnings = _enrich(site, shape(geojson))
    _store_perimeter_surface(site)
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


# The land surface question, pre-filled from the perimeter (drawn, clicked parcels or uploaded
# file). The questionnaire shows « Pré-rempli depuis <source> » and keeps it editable; a typed
# answer is never overwritten.
SURFACE_QUESTION = "unite_fonciere_surface"
PERIMETER_SOURCE = "le périmètre du site (surface calculée, modifiable)"
SURFACE_MAX_M2 = 100_000_000  # the question's own bound (questionnaires/01-site.yaml)


def _store_perimeter_surface(site: Site) -> None:
    """The perimeter's surface fills the land surface question (it is closer to the site than
    the cadastral area of every parcel the perimeter touches); without a perimeter, a surface
    computed from an earlier one is withdrawn."""
    answer = next((a for a in site.answers if a.question_id == SURFACE_QUESTION), None)
    if answer is not None and answer.source is None:
        return  # typed by the user
    if not site.perimeter_geojson or not site.surface_m2:
        if answer is not None and answer.source == PERIMETER_SOURCE:
            db.session.delete(answer)
        return
    value = int(min(max(round(site.surface_m2), 1), SURFACE_MAX_M2))
    if answer is None:
        answer = Answer(site=site, question_id=SURFACE_QUESTION, question_label="")
        db.session.add(answer)
    answer.value = value
    answer.value_label = f"{value:,} m²".replace(",", "\u202f")
    answer.source = PERIMETER_SOURCE


def _store_prefills(site: Site, prefills) -> None:
    existing = {a.question_id: a for a in site.answers}
    for p in prefills:
        if p.question_id == SURFACE_QUESTION and site.perimeter_geojson:
            continue  # the perimeter's own surface wins (_store_perimeter_surface)
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


PARIS = ZoneInfo("Europe/Paris")
# What each source tells the user about, in plain words (the details of the location page).
_SOURCE_NAMES = {
    "cadastre": "Cadastre (parcelles et surface)",
    "gpu": "Urbanisme (Géoportail de l'urbanisme)",
    "georisques": "Risques et pollution des sols (Géorisques)",
}
_STATUSES = {SUCCES: "consultée", PARTIEL: "réponse incomplète", ECHEC: "non consultée"}
RETRY_SENTENCE = "Certaines données publiques n'ont pas pu être consultées ; vous pouvez réessayer."


def paris_time(iso: str) -> str:
    """« 02/12/2026 à 03 h 10 » in Europe/Paris from a stored ISO date (UTC)."""
    when = datetime.fromisoformat(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(PARIS).strftime("%d/%m/%Y à %H h %M")


def enrichment_summary(site: Site) -> dict | None:
    """The stored enrichment report, ready for display: one line per source (plain name,
    status, the source's own French message once), the date in Europe/Paris, and whether a
    retry is worth offering."""
    report = site.enrichissement
    if not report:
        return None
    sources, seen = [], set()
    for key, entry in report.get("sources", {}).items():
        message = entry.get("avertissement")
        if message in seen:
            message = None  # said once
        seen.add(message)
        sources.append(
            {
                "nom": _SOURCE_NAMES.get(key, entry.get("source") or key),
                "statut": _STATUSES.get(entry.get("statut"), "état inconnu"),
                "ok": entry.get("statut") == SUCCES,
                "detail": message,
            }
        )
    return {
        "date": paris_time(report["date"]),
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


# --- map parcel selection: one parcel per click, from API Carto cadastre ------------------------

# Upstream calls in flight per process for parcel clicks (as for the address search): beyond
# them the click gets a « try again » message instead of holding a worker thread.
PARCEL_CONCURRENCY = 2
_parcel_slots = threading.BoundedSemaphore(PARCEL_CONCURRENCY)
PARCEL_OFF = (
    "La sélection de parcelles n'est pas disponible : dessinez le périmètre sur la carte ou "
    "déposez un fichier."
)
PARCEL_DOWN = (
    "Le cadastre n'a pas pu être consulté ; vous pouvez réessayer, ou dessiner le périmètre vous-même."
)
PARCEL_NONE = (
    "Aucune parcelle cadastrale à cet endroit (voie publique, cours d'eau…) : cliquez à "
    "l'intérieur d'une parcelle."
)
PARCEL_BAD = "La parcelle renvoyée par le cadastre est inexploitable : dessinez le périmètre vous-même."


def parcel_at(lon: float, lat: float) -> tuple[dict | None, str | None, int]:
    """(GeoJSON Feature of the parcel under the point, None, 200) or (None, French message,
    HTTP status). The geometry is checked like an uploaded perimeter (bounded, in France)."""
    if not current_app.config.get("ENRICHMENT_ENABLED", True):
        return None, PARCEL_OFF, 503
    if not _parcel_slots.acquire(blocking=False):
        return None, PARCEL_DOWN, 503
    try:
        result = make_clients(current_app.config)["cadastre"].parcelle_at(lon, lat)
    finally:
        _parcel_slots.release()
    if result.statut == ECHEC:
        found_nothing = result.avertissement == "Aucune parcelle cadastrale à cet endroit."
        return None, (PARCEL_NONE if found_nothing else PARCEL_DOWN), (404 if found_nothing else 503)
    d = result.donnees
    try:
        geom = parse_geojson(d["geometry"])
    except GeoError:
        return None, PARCEL_BAD, 502
    surface = surface_m2(geom)
    label = " ".join(str(v).lstrip("0") or "0" for v in (d.get("section"), d.get("numero")) if v)
    return (
        {
            "type": "Feature",
            "geometry": mapping(geom),
            "properties": {
                "idu": d["idu"],
                "libelle": f"Parcelle {label}" if label else f"Parcelle {d['idu']}",
                "commune": d.get("nom_com"),
                "surface_m2": round(surface),
            },
        },
        None,
        200,
    )


def perimeter_surface(body: bytes) -> tuple[float, dict]:
    """(surface in m², union outline as GeoJSON) of a perimeter sent by the map, parsed and
    bounded as a saved one is (GeoError with a French message otherwise)."""
    geom = parse_geojson(body)
    return surface_m2(geom), mapping(geom)
