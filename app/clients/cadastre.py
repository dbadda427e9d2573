"""API Carto — module cadastre (IGN): parcels under a point or a perimeter. No Flask import.

``GET {base}/cadastre/parcelle?geom=<GeoJSON>&source_ign=PCI`` returns a FeatureCollection
whose features carry ``properties.idu`` (14-character parcel id), ``contenance`` (m²),
``section``, ``numero``, ``code_insee``, ``nom_com``.
"""

from __future__ import annotations

import json

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from .base import ECHEC, PARTIEL, SUCCES, ClientError, HttpClient, Result, as_dict, as_list

DEFAULT_URL = "https://apicarto.ign.fr/api"
MAX_PARCELS = 500


# A parcel is part of the site when the perimeter covers at least this share of it: API Carto
# returns every parcel the perimeter *intersects*, including the neighbours that merely share a
# boundary with it (the union of clicked parcels) or a sliver of a hand-drawn outline.
MIN_COVERED_SHARE = 0.05


def _only_touches(site: BaseGeometry, parcel_geojson) -> bool:
    """Whether the (polygonal) site covers less than ``MIN_COVERED_SHARE`` of the parcel. False
    when either is not a usable polygon (a point, a malformed geometry): kept, as before."""
    if site.geom_type not in ("Polygon", "MultiPolygon") or not isinstance(parcel_geojson, dict):
        return False
    try:
        parcel = shape(parcel_geojson)
        if parcel.is_empty or parcel.area <= 0 or not parcel.is_valid:
            return False
        return site.intersection(parcel).area < MIN_COVERED_SHARE * parcel.area
    except Exception:  # shapely refuses odd input in many ways: keep the parcel
        return False


class CadastreClient(HttpClient):
    source = "API Carto cadastre"

    def parcelles(self, geom: BaseGeometry) -> Result:
        """Cadastral parcels intersecting ``geom`` (WGS84) and the sum of their areas (m²)."""
        try:
            data = self.get_json(
                "cadastre/parcelle",
                {
                    "geom": json.dumps(mapping(geom), separators=(",", ":")),
                    "source_ign": "PCI",
                    "_limit": MAX_PARCELS,
                },
            )
        except ClientError as exc:
            return Result.failure(self.source, f"Parcelles cadastrales indisponibles : {exc}")
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            return Result.failure(
                self.source, "Parcelles cadastrales indisponibles : réponse de forme inattendue."
            )
        parcels, missing_area = [], 0
        for feat in as_list(data["features"]):
            props = as_dict(as_dict(feat).get("properties"))
            if not props.get("idu"):
                continue
            if _only_touches(geom, as_dict(feat).get("geometry")):
                continue
            area = props.get("contenance")
            if not isinstance(area, int | float) or isinstance(area, bool):
                area, missing_area = None, missing_area + 1
            parcels.append(
                {
                    "idu": props["idu"],
                    "contenance": area,
                    "section": props.get("section"),
                    "numero": props.get("numero"),
                    "code_insee": props.get("code_insee"),
                }
            )
        donnees = {
            "parcelles": parcels,
            "surface_totale": sum(p["contenance"] or 0 for p in parcels) if parcels else None,
        }
        if not parcels:
            return Result(self.source, ECHEC, donnees, "Aucune parcelle cadastrale trouvée à cet endroit.")
        if missing_area or len(parcels) >= MAX_PARCELS:
            return Result(
                self.source,
                PARTIEL,
                donnees,
                "Données cadastrales incomplètes : la surface totale est peut-être sous-estimée.",
            )
        return Result(self.source, SUCCES, donnees)

    def parcelle_at(self, lon: float, lat: float) -> Result:
        """The cadastral parcel under the point (WGS84), with its geometry (GeoJSON), for the
        map's parcel selection. ``échec`` with a French message when there is none or the API
        fails; ``donnees`` = ``{"idu", "section", "numero", "code_insee", "nom_com",
        "contenance", "geometry"}``."""
        point = {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}
        try:
            data = self.get_json(
                "cadastre/parcelle",
                {"geom": json.dumps(point, separators=(",", ":")), "source_ign": "PCI", "_limit": 5},
            )
        except ClientError as exc:
            return Result.failure(self.source, f"Le cadastre n'a pas pu être consulté : {exc}")
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            return Result.failure(self.source, "Le cadastre a renvoyé une réponse de forme inattendue.")
        for feat in as_list(data["features"]):
            feat = as_dict(feat)
            props, geometry = as_dict(feat.get("properties")), as_dict(feat.get("geometry"))
            if not props.get("idu") or geometry.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            area = props.get("contenance")
            return Result(
                self.source,
                SUCCES,
                {
                    "idu": str(props["idu"])[:20],
                    "section": props.get("section"),
                    "numero": props.get("numero"),
                    "code_insee": props.get("code_insee"),
                    "nom_com": props.get("nom_com"),
                    "contenance": area
                    if isinstance(area, int | float) and not isinstance(area, bool)
                    else None,
                    "geometry": geometry,
                },
            )
        return Result(self.source, ECHEC, {}, "Aucune parcelle cadastrale à cet endroit.")
