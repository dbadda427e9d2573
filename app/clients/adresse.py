"""API Adresse (Base Adresse Nationale): address search and reverse geocoding. No Flask import.

Response shape: a GeoJSON FeatureCollection whose features carry ``properties.label``,
``citycode`` (INSEE), ``postcode``, ``city``, ``score``, ``type`` and a Point geometry.
"""

from __future__ import annotations

from .base import SUCCES, ClientError, HttpClient, Result, as_dict, as_list

DEFAULT_URL = "https://api-adresse.data.gouv.fr"


class AdresseClient(HttpClient):
    source = "API Adresse"

    def search(self, q: str, limit: int = 5) -> Result:
        """Addresses matching ``q`` (≥ 3 characters), best first."""
        q = (q or "").strip()
        if len(q) < 3:
            return Result(self.source, SUCCES, {"resultats": []})
        try:
            data = self.get_json("search/", {"q": q[:200], "limit": max(1, min(limit, 20))})
            return Result(self.source, SUCCES, {"resultats": _features(data)})
        except ClientError as exc:
            return Result.failure(self.source, f"Recherche d'adresse indisponible : {exc}")

    def reverse(self, lon: float, lat: float) -> Result:
        """Nearest address to a WGS84 point."""
        try:
            data = self.get_json("reverse/", {"lon": lon, "lat": lat})
            results = _features(data)
            return Result(self.source, SUCCES, {"adresse": results[0] if results else None})
        except ClientError as exc:
            return Result.failure(self.source, f"Adresse du point indisponible : {exc}")


def _features(data) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ClientError("API Adresse a renvoyé une réponse de forme inattendue.")
    out = []
    for feat in as_list(data.get("features")):
        props = as_dict(as_dict(feat).get("properties"))
        coords = as_list(as_dict(as_dict(feat).get("geometry")).get("coordinates"))
        if not props.get("label") or len(coords) < 2:
            continue
        out.append(
            {
                "label": props.get("label"),
                "citycode": props.get("citycode"),
                "postcode": props.get("postcode"),
                "city": props.get("city"),
                "type": props.get("type"),
                "score": props.get("score"),
                "lon": coords[0],
                "lat": coords[1],
            }
        )
    return out
