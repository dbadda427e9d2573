"""API Carto — module GPU (Géoportail de l'urbanisme): planning document and zone. No Flask import.

- ``GET {base}/gpu/municipality?insee=`` → features with ``properties.is_rnu`` (commune under
  the Règlement national d'urbanisme);
- ``GET {base}/gpu/document?geom=`` → features with ``properties.du_type`` (PLU, PLUi, POS, CC,
  PSMV), ``partition``, ``idurba``;
- ``GET {base}/gpu/zone-urba?geom=`` → features with ``properties.typezone`` (U, AUc, AUs, A,
  N…), ``libelle``, ``libelong``, ``partition``.

Property names follow the API Carto GPU documentation; verify them against a live answer
when the API changes.
"""

from __future__ import annotations

import json

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from .base import ECHEC, PARTIEL, SUCCES, ClientError, HttpClient, Result, as_dict, as_list

DEFAULT_URL = "https://apicarto.ign.fr/api"

# GPU du_type → CNIG urba_doc_type
DOC_TYPES = {"PLU": "PLU", "PLUI": "PLUI", "CC": "CC", "PSMV": "PSMV", "POS": "autre"}
CNIG_ZONE_TYPES = {"U", "AUc", "AUs", "A", "N"}


def _features(data) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ClientError("API Carto GPU a renvoyé une réponse de forme inattendue.")
    return [as_dict(as_dict(f).get("properties")) for f in as_list(data["features"])]


class GpuClient(HttpClient):
    source = "API Carto GPU"

    def urbanisme(self, geom: BaseGeometry, code_insee: str | None = None) -> Result:
        """Planning document type and zone(s) at ``geom`` (WGS84).

        ``donnees``: ``rnu`` (bool or None), ``document_type`` (CNIG ``urba_doc_type`` value or
        None), ``zones`` ([{typezone, libelle, libelong}]), ``zone_type`` (CNIG
        ``urba_zone_type`` when every zone under the site has the same type, else None).
        """
        geom_param = json.dumps(mapping(geom), separators=(",", ":"))
        donnees: dict = {"rnu": None, "document_type": None, "zones": [], "zone_type": None}
        errors, notes = [], []

        if code_insee:
            try:
                props = _features(self.get_json("gpu/municipality", {"insee": code_insee}))
                if props and isinstance(props[0].get("is_rnu"), bool):
                    donnees["rnu"] = props[0]["is_rnu"]
            except ClientError as exc:
                errors.append(str(exc))
        try:
            docs = _features(self.get_json("gpu/document", {"geom": geom_param}))
            types = {str(p.get("du_type") or "").upper() for p in docs} - {""}
            if len(types) == 1:
                donnees["document_type"] = DOC_TYPES.get(types.pop(), "autre")
            elif len(types) > 1:
                notes.append("Plusieurs documents d'urbanisme couvrent le site.")
        except ClientError as exc:
            errors.append(str(exc))
        try:
            zones = _features(self.get_json("gpu/zone-urba", {"geom": geom_param}))
            donnees["zones"] = [
                {"typezone": z.get("typezone"), "libelle": z.get("libelle"), "libelong": z.get("libelong")}
                for z in zones
            ]
            types = {z.get("typezone") for z in zones} - {None, ""}
            if len(types) == 1:
                t = types.pop()
                donnees["zone_type"] = t if t in CNIG_ZONE_TYPES else "autre"
            elif len(types) > 1:
                notes.append(
                    "Le site est à cheval sur plusieurs zones du document d'urbanisme : "
                    + ", ".join(sorted(types))
                    + "."
                )
        except ClientError as exc:
            errors.append(str(exc))

        if donnees["rnu"] is True and donnees["document_type"] is None:
            donnees["document_type"] = "RNU"
            donnees["zone_type"] = "RNU"
        found = donnees["document_type"] or donnees["zones"] or donnees["rnu"] is not None
        if errors and not found:
            return Result(self.source, ECHEC, donnees, "Urbanisme indisponible : " + " ".join(errors))
        if errors or notes:
            return Result(self.source, PARTIEL, donnees, " ".join(notes + errors))
        if not found:
            return Result(
                self.source,
                PARTIEL,
                donnees,
                "Aucun document d'urbanisme publié sur le Géoportail de l'urbanisme pour ce site.",
            )
        return Result(self.source, SUCCES, donnees)
