"""Routes: location page (works without JavaScript) and commune autocomplete API."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.routing import BuildError

from app.accounts.permissions import may_write
from app.geo import (
    GeoError,
    check_lon_lat,
    get_commune,
    get_dataset,
    parse_geojson,
    search_communes,
    territory_block,
)
from app.geo.upload import FORMATS, read_perimeter_bounded
from app.maps import site_points
from app.models import Site

from .service import (
    PERIMETER_SOURCE,
    RETRY_SENTENCE,
    SURFACE_QUESTION,
    address_query,
    commune_of,
    enrichment_summary,
    parcel_at,
    perimeter_surface,
    refresh_enrichment,
    save_location,
)

bp = Blueprint("localisation", __name__)


def _commune_json(c) -> dict:
    ds = get_dataset()
    return {
        "code": c.code,
        "nom": c.nom,
        "population": c.population,
        "codes_postaux": list(c.codes_postaux),
        "departement": {"code": c.departement, "nom": ds.departements.get(c.departement, ("",))[0]},
        "region": {"code": c.region, "nom": ds.regions.get(c.region)},
        "epci": {"code": c.epci, "nom": ds.epci.get(c.epci)} if c.epci else None,
        "zonage_abc": c.zonage_abc,
    }


@bp.get("/api/v1/territoires/communes")
def api_communes():
    """Commune search by name or postal code, for autocomplete."""
    q = (request.args.get("q") or "").strip()
    try:
        limit = int(request.args.get("limit", 10))
    except ValueError:
        return jsonify({"erreurs": {"limit": "« limit » doit être un nombre entier."}}), 422
    if not 1 <= limit <= 50:
        return jsonify({"erreurs": {"limit": "« limit » doit être compris entre 1 et 50."}}), 422
    if len(q) > 100:
        return jsonify({"erreurs": {"q": "Saisissez au plus 100 caractères."}}), 422
    if len(q) < 2:
        return jsonify({"erreurs": {"q": "Saisissez au moins 2 caractères (nom ou code postal)."}}), 422
    return jsonify({"q": q, "communes": [_commune_json(c) for c in search_communes(q, limit)]})


def _next_url(token: str) -> str:
    try:
        return url_for("questionnaire.resume", token=token)
    except BuildError:
        return f"/sites/{token}"


def _m2(value: float) -> str:
    """« 20 087 m² » (narrow no-break spaces, as French typography wants)."""
    return f"{round(value):,}".replace(",", "\u202f") + "\u00a0m²"


def _float(value: str | None, label: str, errors: dict) -> float | None:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        errors[label] = "Saisissez un nombre, par exemple 2.3522."
        return None


@bp.route("/sites/<token>/localisation", methods=["GET", "POST"])
def localisation(token: str):
    site = Site.query.filter_by(token=token).first_or_404()
    errors: dict[str, str] = {}
    notes: list[str] = []
    choices = []
    form = {"commune": "", "lon": "", "lat": "", "perimetre": "", "commune_code": ""}
    if site.commune_code and (c := get_commune(site.commune_code)):
        form["commune"] = f"{c.nom} ({c.code})"
        if site.point_geojson:
            form["lon"], form["lat"] = (str(v) for v in site.point_geojson["coordinates"][:2])

    if request.method == "POST":
        form.update({k: (request.form.get(k) or "").strip() for k in form})
        point = perimeter = None
        upload = request.files.get("fichier")
        max_bytes = int(current_app.config.get("PERIMETER_MAX_BYTES", 5 * 1024 * 1024))
        try:
            if upload and upload.filename:
                perimeter = read_perimeter_bounded(
                    upload.filename, upload.read(max_bytes + 1), max_bytes=max_bytes, notes=notes
                )
            elif len(form["perimetre"].encode()) > max_bytes:
                raise GeoError(
                    f"Le périmètre collé dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo."
                )
            elif form["perimetre"]:
                perimeter = parse_geojson(form["perimetre"], notes=notes)
        except GeoError as exc:
            errors["fichier" if upload and upload.filename else "perimetre"] = str(exc)

        lon = _float(form["lon"], "lon", errors)
        lat = _float(form["lat"], "lat", errors)
        if (lon is None) != (lat is None) and "lon" not in errors and "lat" not in errors:
            errors["lon" if lon is None else "lat"] = (
                "Donnez la longitude et la latitude, ou aucune des deux."
            )
        elif lon is not None and lat is not None:
            try:
                check_lon_lat(lon, lat)
                from shapely.geometry import Point

                point = Point(lon, lat)
            except GeoError as exc:
                errors["lon"] = str(exc)

        commune = None
        if not errors:
            geom = perimeter if perimeter is not None else point
            if geom is not None:
                commune = commune_of(geom)
                if commune is None:
                    errors["lon" if perimeter is None else "fichier"] = (
                        "Aucune commune trouvée à cet endroit (en mer ou hors des communes françaises)."
                    )
            else:
                commune, choices = _resolve_commune(form["commune_code"] or form["commune"], errors)

        if not errors and commune is not None:
            warnings = save_location(site, commune, point=point, perimeter=perimeter)
            saved = f"Localisation enregistrée : {commune.nom} ({commune.code})."
            if site.surface_m2:
                saved += f" Surface du périmètre : {_m2(site.surface_m2)}"
                computed = any(
                    a.question_id == SURFACE_QUESTION and a.source == PERIMETER_SOURCE for a in site.answers
                )
                saved += ", reportée dans la question sur la surface du terrain." if computed else "."
            flash(saved, "success")
            for message in notes:
                flash(message, "info")
            if warnings:
                # one plain sentence; the details stay on the location page
                flash(RETRY_SENTENCE[:-1] + " depuis la page « Localiser le site ».", "warning")
            return redirect(_next_url(token))

    status = 422 if errors else 200
    return render_template(
        "localisation/localisation.html",
        site=site,
        points=[] if may_write() else site_points(site),
        form=form,
        errors=errors,
        choices=choices,
        formats=FORMATS,
        enrichissement=enrichment_summary(site),
        retry_sentence=RETRY_SENTENCE,
        parcels_enabled=bool(current_app.config.get("ENRICHMENT_ENABLED", True)),
        parcels_url=current_app.config.get("MAP_PARCELS_URL") or "",
        territoire=territory_block(site.commune_code) if site.commune_code else None,
        tiles_url=current_app.config.get("MAP_TILES_URL") or "",
        tiles_attribution=current_app.config.get("MAP_TILES_ATTRIBUTION") or "",
        max_mo=int(current_app.config.get("PERIMETER_MAX_BYTES", 5 * 1024 * 1024)) // (1024 * 1024),
    ), status


@bp.post("/sites/<token>/localisation/enrichir")
def enrichir(token: str):
    """Query the public APIs again for a located site; failures stay warnings."""
    site = Site.query.filter_by(token=token).first_or_404()
    warnings = refresh_enrichment(site)
    if warnings is None:
        flash(
            "Indiquez d'abord un point ou un périmètre : les données publiques se consultent à partir "
            "de l'emplacement du site.",
            "info",
        )
    elif not warnings:
        flash("Toutes les sources de données publiques ont répondu.", "success")
    # otherwise the page says it once, with the details and the retry button
    return redirect(url_for("localisation.localisation", token=token) + "#donnees-publiques")


def _resolve_commune(text: str, errors: dict):
    """A commune from a code, ``Nom (code)`` or a name; several matches → choices to pick."""
    text = text.strip()
    if not text:
        errors["commune"] = (
            "Indiquez la commune du site, un point (longitude et latitude) ou un fichier de périmètre."
        )
        return None, []
    if text.endswith(")") and "(" in text:
        code = text.rsplit("(", 1)[1].rstrip(")").strip()
        if (c := get_commune(code)) is not None:
            return c, []
    if (c := get_commune(text)) is not None:
        return c, []
    results = search_communes(text, 8)
    if not results:
        errors["commune"] = f"Aucune commune ne correspond à « {text} »."
        return None, []
    from app.geo.dataset import normalize

    exact = [c for c in results if normalize(c.nom) == normalize(text)]
    if len(results) == 1 or len(exact) == 1 and not text.isdigit():
        return (exact or results)[0], []
    if text.isdigit() and len({c.code for c in results if text in c.codes_postaux}) == 1:
        return next(c for c in results if text in c.codes_postaux), []
    errors["commune"] = "Plusieurs communes correspondent : choisissez la vôtre."
    return None, results


@bp.get("/localisation/adresses")
def api_adresses():
    """Address search for the location page: API Adresse (server-side, so the browser makes
    no third-party request), or the embedded commune search when it is unreachable."""
    from app.clients import SUCCES
    from app.localisation.service import search_addresses

    q, error = address_query(request.args.get("q"))
    if error:
        return jsonify({"erreurs": {"q": error}}), 422
    if len(q) < 3:
        return jsonify({"source": None, "resultats": [], "avertissement": None})
    result = search_addresses(q)
    if result is not None and result.statut == SUCCES and result.donnees["resultats"]:
        return jsonify(
            {"source": result.source, "resultats": result.donnees["resultats"], "avertissement": None}
        )
    communes = [
        {
            "label": f"{c.nom} ({c.departement})",
            "citycode": c.code,
            "postcode": None,
            "city": c.nom,
            "type": "municipality",
            "lon": None,
            "lat": None,
        }
        for c in search_communes(q, 6)
    ]
    return jsonify(
        {
            "source": "communes",
            "resultats": communes,
            "avertissement": result.avertissement if result is not None else None,
        }
    )


@bp.get("/localisation/communes/<code>/contour")
def api_contour(code: str):
    """Simplified boundary of a commune (GeoJSON), drawn on the map when no basemap is set."""
    from shapely.geometry import mapping

    ds = get_dataset()
    commune = get_commune(code)
    hits = [g for c, g in zip(ds.codes, ds.geoms, strict=True) if c == code] if commune else []
    if not hits:
        return jsonify({"erreurs": {"code": "Commune inconnue ou sans contour."}}), 404
    response = jsonify(
        {
            "type": "Feature",
            "properties": {"code": commune.code, "nom": commune.nom},
            "geometry": mapping(hits[0].simplify(0.0005, preserve_topology=True)),
        }
    )
    response.cache_control.max_age = 86_400
    response.cache_control.public = True
    return response


def _json_error(message: str, status: int):
    response = jsonify({"erreur": message})
    response.status_code = status
    response.cache_control.no_store = True
    return response


@bp.get("/localisation/parcelle")
def api_parcelle():
    """The cadastral parcel under a map click (``?lon=&lat=``), as a GeoJSON Feature: asked of
    API Carto cadastre by the server (bounded, cached), so that the browser calls no third party.
    Every failure is a French ``erreur`` with a 4xx/503 status, never a 500."""
    try:
        lon = float((request.args.get("lon") or "").replace(",", "."))
        lat = float((request.args.get("lat") or "").replace(",", "."))
        check_lon_lat(lon, lat)
    except GeoError as exc:  # a ValueError too: first
        return _json_error(str(exc), 422)
    except ValueError:
        return _json_error("Coordonnées invalides : cliquez sur la carte pour choisir une parcelle.", 422)
    feature, error, status = parcel_at(lon, lat)
    if feature is None:
        return _json_error(error, status)
    response = jsonify(feature)
    response.cache_control.max_age = 3600
    return response


@bp.post("/localisation/surface")
def api_surface():
    """Surface (m², computed as on save) and outline of a perimeter the page holds: drawn, or
    the union of the selected parcels. Body: GeoJSON (geometry, Feature or FeatureCollection)."""
    max_bytes = int(current_app.config.get("PERIMETER_MAX_BYTES", 5 * 1024 * 1024))
    body = request.get_data(cache=False)
    if len(body) > max_bytes:
        return _json_error(
            f"Le périmètre dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.", 413
        )
    try:
        surface, geometry = perimeter_surface(body)
    except GeoError as exc:
        return _json_error(str(exc), 422)
    response = jsonify({"surface_m2": round(surface), "surface": _m2(surface), "geometry": geometry})
    response.cache_control.no_store = True
    return response
