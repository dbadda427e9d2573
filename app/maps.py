"""Maps of points: the advisers' view (shared sites), /projets-inspirants (published projects) and
the location page of a site as its « lecteur » sees it (no edit control).

A map is a progressive enhancement over the table or the list of the page, which holds the same
rows: the page writes the points as JSON in a ``<script type="application/json">`` block (the
``carte_points`` macro of ``templates/_carte_points.html``), ``static/js/carte-points.js`` draws
them with Leaflet (served locally, loaded by these pages only). Without JavaScript the map is not
shown and nothing is lost.

A point is ``{"lat", "lon", "title", "url", "place", "detail", "approx"}``: what the row's link
and text already show on the page, nothing more. Published projects are placed at their
commune's representative point (:func:`app.geo.commune_point`): the network stores no precise
location, on purpose.
"""

from __future__ import annotations

from flask import url_for

from app.geo import commune_point


def _round(lon: float, lat: float) -> tuple[float, float]:
    return round(float(lon), 5), round(float(lat), 5)


def site_location(site) -> tuple[float, float, bool] | None:
    """(lon, lat, approx) of a site: its point, else a point inside its perimeter, else a point
    inside its commune (``approx``); None when it is not located."""
    point = site.point_geojson
    if isinstance(point, dict) and point.get("type") == "Point":
        try:
            lon, lat = point["coordinates"][:2]
            return (*_round(lon, lat), False)
        except (KeyError, TypeError, ValueError):
            pass
    if site.perimeter_geojson:
        try:
            from shapely.geometry import shape

            inner = shape(site.perimeter_geojson).representative_point()
            return (*_round(inner.x, inner.y), False)
        except Exception:  # a stored perimeter that no longer reads: the commune will do
            pass
    found = commune_point(site.commune_code) if site.commune_code else None
    return (*found, True) if found else None


def _point(lon: float, lat: float, title: str, url: str, place, detail, approx: bool) -> dict:
    return {
        "lat": lat,
        "lon": lon,
        "title": title,
        "url": url,
        "place": place or "",
        "detail": detail or "",
        "approx": approx,
    }


def adviser_points(lines: list[dict]) -> tuple[list[dict], int]:
    """(points, rows left off the map) of the advisers' view; each links to the adviser's page
    of the site (``/conseiller/sites/<id>``), never to the site's private link."""
    points, missing = [], 0
    for item in lines:
        site = item["site"]
        location = site_location(site)
        if location is None:
            missing += 1
            continue
        commune = item.get("commune")
        points.append(
            _point(
                location[0],
                location[1],
                site.nom or "Site sans nom",
                url_for("accounts.adviser_site", site_id=site.id),
                f"{commune.nom} ({commune.code})" if commune else "",
                (item.get("phase") or {}).get("title"),
                location[2],
            )
        )
    return points, missing


def site_points(site) -> list[dict]:
    """The one point of a site's read-only location page (its point, perimeter or commune),
    linking back to the site's page; [] when the site is not located."""
    location = site_location(site)
    if location is None:
        return []
    from app.geo import get_commune

    commune = get_commune(site.commune_code) if site.commune_code else None
    return [
        _point(
            location[0],
            location[1],
            site.nom or "Le site",
            url_for("sites.show", token=site.token),
            f"{commune.nom} ({commune.code})" if commune else "",
            None,
            location[2],
        )
    ]


def projet_points(projets: list[tuple]) -> tuple[list[dict], int]:
    """(points, projects left off the map) of /projets-inspirants, from its (project, facts)
    rows: a project whose owner did not show the commune is not on the map."""
    points, missing = [], 0
    for projet, facts in projets:
        found = commune_point(projet.commune_code) if projet.commune_code else None
        if found is None:
            missing += 1
            continue
        points.append(
            _point(
                found[0],
                found[1],
                projet.titre,
                url_for("reseau.page", public_id=projet.public_id),
                facts.get("lieu"),
                " — ".join(x for x in (facts.get("usage"), facts.get("phase")) if x),
                True,
            )
        )
    return points, missing
