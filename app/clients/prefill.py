"""Turn enrichment results into questionnaire pre-fills (question ids of docs/architecture.md).

Conservative by design: a pre-fill is only proposed when the source says so directly; the
user can always correct it. Never infers the absence of pollution from an empty answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import ECHEC, Result


@dataclass(frozen=True)
class Prefill:
    """A proposed answer: store it as an ``Answer`` with ``source`` = ``self.source``."""

    question_id: str
    value: object
    source: str
    value_label: str | None = None


def prefills_from(results: dict[str, Result]) -> list[Prefill]:
    """Pre-fills for ``urba_doc_type``, ``urba_zone_type``, ``urba_zone_lib``,
    ``unite_fonciere_surface``, ``unite_fonciere_refcad`` and ``sol_pollution_existe``
    (only « pollution supposée » when a SIS or a CASIAS record lies on the site)."""
    out: list[Prefill] = []
    gpu = results.get("gpu")
    if gpu and gpu.statut != ECHEC:
        d = gpu.donnees
        if d.get("document_type"):
            out.append(Prefill("urba_doc_type", d["document_type"], gpu.source))
        if d.get("zone_type"):
            out.append(Prefill("urba_zone_type", d["zone_type"], gpu.source))
            libelles = {z.get("libelle") for z in d.get("zones") or []} - {None, ""}
            if len(libelles) == 1:
                out.append(Prefill("urba_zone_lib", libelles.pop(), gpu.source))
    cadastre = results.get("cadastre")
    if cadastre and cadastre.statut != ECHEC:
        d = cadastre.donnees
        if d.get("surface_totale"):
            out.append(Prefill("unite_fonciere_surface", int(round(d["surface_totale"])), cadastre.source))
        idus = [p["idu"] for p in d.get("parcelles") or [] if p.get("idu")]
        if idus:
            out.append(Prefill("unite_fonciere_refcad", "|".join(idus), cadastre.source))
    risques = results.get("georisques")
    if risques and risques.statut != ECHEC:
        d = risques.donnees
        hits = (d.get("sis") or []) + (d.get("casias") or [])
        if hits:
            names = ", ".join(sorted({h["nom"] for h in hits if h.get("nom")}))[:200]
            out.append(
                Prefill(
                    "sol_pollution_existe",
                    "pollution supposée",
                    risques.source,
                    "pollution supposée" + (f" ({names})" if names else ""),
                )
            )
    return out
