"""Géorisques API v1 (open, no key): polluted sites, classified installations, flood and clay
risks near a site. No Flask import.

Parameters: ``latlon=LON,LAT`` (longitude first), ``rayon`` in metres (≤ 10,000). Paginated
answers look like ``{"results": n, "page": 1, "total_pages": 1, "data": [...],
"response_code": 200, "message": "", "next": null, "previous": null}``; ``/rga`` answers
``{"codeExposition": "0".."3", "exposition": "Exposition …"}``.
"""

from __future__ import annotations

import math

from shapely.geometry.base import BaseGeometry

from .base import ECHEC, PARTIEL, SUCCES, ClientError, HttpClient, Result, as_dict, as_list

DEFAULT_URL = "https://www.georisques.gouv.fr/api/v1"
ICPE_RADIUS_M = 1000
MIN_SITE_RADIUS_M = 50

RGA_LEVELS = {"0": "nul", "1": "faible", "2": "moyen", "3": "fort"}


def site_radius_m(geom: BaseGeometry) -> int:
    """Radius (m) of a circle around the site's centroid that covers the site (≥ 50 m)."""
    c = geom.centroid
    if geom.geom_type == "Point":
        return MIN_SITE_RADIUS_M
    x0, y0, x1, y1 = geom.bounds
    kx = 111_320 * math.cos(math.radians(c.y))
    dx = max(abs(x0 - c.x), abs(x1 - c.x)) * kx
    dy = max(abs(y0 - c.y), abs(y1 - c.y)) * 110_570
    return int(min(10_000, max(MIN_SITE_RADIUS_M, math.ceil(math.hypot(dx, dy)))))


def _page(data) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ClientError("Géorisques a renvoyé une réponse de forme inattendue.")
    return [as_dict(item) for item in as_list(data["data"])]


def _name(item: dict) -> str | None:
    for key in ("nom", "nom_etablissement", "raisonSociale", "raison_sociale", "libelle_azi", "nom_usuel"):
        if item.get(key):
            return str(item[key])
    return None


class GeorisquesClient(HttpClient):
    source = "Géorisques"

    def risques(self, geom: BaseGeometry) -> Result:
        """SIS and CASIAS on the site, ICPE within 1 km, flood areas (AZI) and clay
        shrink-swell exposure (RGA) at ``geom`` (WGS84 point or perimeter).

        ``donnees``: ``rayon_site`` (m), ``sis`` / ``casias`` / ``icpe`` (lists of {nom,
        ...}), ``inondation_azi`` (list of atlas names), ``argiles`` ({code, niveau, libelle}).
        A list is ``None`` when its call failed.
        """
        c = geom.centroid
        latlon = f"{c.x:.6f},{c.y:.6f}"
        radius = site_radius_m(geom)
        donnees: dict = {
            "rayon_site": radius,
            "sis": None,
            "casias": None,
            "icpe": None,
            "inondation_azi": None,
            "argiles": None,
        }
        errors: list[str] = []

        def call(label, path, params, handle):
            try:
                handle(self.get_json(path, params))
            except ClientError as exc:
                errors.append(f"{label} : {exc}")

        def sis(data):
            donnees["sis"] = [
                {
                    "nom": _name(i),
                    "id": i.get("id_sis"),
                    "statut": i.get("statut_classification"),
                    "fiche": i.get("fiche_risque"),
                }
                for i in _page(data)
            ]

        def casias(data):
            donnees["casias"] = [
                {
                    "nom": _name(i),
                    "id": i.get("identifiant") or i.get("id"),
                    "commune": i.get("nom_commune") or i.get("commune"),
                }
                for i in _page(data)
            ]

        def icpe(data):
            donnees["icpe"] = [
                {
                    "nom": _name(i),
                    "regime": i.get("regime"),
                    "seveso": i.get("statutSeveso"),
                    "etat": i.get("etatActivite"),
                }
                for i in _page(data)
            ]

        def azi(data):
            donnees["inondation_azi"] = [_name(i) for i in _page(data)]

        def rga(data):
            if not isinstance(data, dict) or "codeExposition" not in data:
                raise_shape()
            code = str(data.get("codeExposition"))
            donnees["argiles"] = {
                "code": code,
                "niveau": RGA_LEVELS.get(code),
                "libelle": data.get("exposition"),
            }

        def raise_shape():
            raise ClientError("Géorisques a renvoyé une réponse de forme inattendue.")

        call(
            "Secteurs d'information sur les sols",
            "ssp/conclusions_sis",
            {"latlon": latlon, "rayon": radius},
            sis,
        )
        call("Anciens sites industriels (CASIAS)", "ssp/casias", {"latlon": latlon, "rayon": radius}, casias)
        call(
            "Installations classées",
            "installations_classees",
            {"latlon": latlon, "rayon": max(ICPE_RADIUS_M, radius)},
            icpe,
        )
        call("Zones inondables", "gaspar/azi", {"latlon": latlon, "rayon": radius}, azi)
        call("Argiles", "rga", {"latlon": latlon}, rga)

        if len(errors) == 5:
            return Result(self.source, ECHEC, donnees, "Risques indisponibles : " + " ; ".join(errors))
        if errors:
            return Result(self.source, PARTIEL, donnees, "Risques incomplets — " + " ; ".join(errors))
        return Result(self.source, SUCCES, donnees)
