"""The facts rules read: answers (``question``) and territory facts (``territoire``).

Territory facts are computed by ``app.geo.territory_facts(commune_code)``; their vocabulary is
declared here so that content validation and readable explanations know them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.engine.conditions import KIND_QUESTION, KIND_TERRITORY, Fact, FactInfo

ZONAGE_ABC = {"Abis": "A bis", "A": "A", "B1": "B1", "B2": "B2", "C": "C"}

TERRITORY_VOCABULARY: dict[Fact, FactInfo] = {
    (KIND_TERRITORY, "commune"): FactInfo("Commune (code INSEE)", "texte"),
    (KIND_TERRITORY, "epci"): FactInfo("Intercommunalité (SIREN)", "texte"),
    (KIND_TERRITORY, "departement"): FactInfo("Département", "texte"),
    (KIND_TERRITORY, "region"): FactInfo("Région", "texte"),
    (KIND_TERRITORY, "population"): FactInfo("Population de la commune", "nombre", unit="habitants"),
    (KIND_TERRITORY, "zonage_abc"): FactInfo("Zonage ABC de la commune", "choix", ZONAGE_ABC),
    (KIND_TERRITORY, "zone_detendue"): FactInfo("Marché du logement détendu (zonage B2 ou C)", "booleen"),
    (KIND_TERRITORY, "outre_mer"): FactInfo("Commune d'outre-mer", "booleen"),
    (KIND_TERRITORY, "ile_de_france"): FactInfo("Commune d'Île-de-France", "booleen"),
    (KIND_TERRITORY, "corse"): FactInfo("Commune de Corse", "booleen"),
}
TERRITORY_FACT_IDS = tuple(fid for _, fid in TERRITORY_VOCABULARY)


def build_facts(answers: Mapping[str, Any], territory: Mapping[str, Any] | None = None) -> dict[Fact, Any]:
    """Facts for the condition engine from answers (question id → value) and territory facts
    (fact id → value, as returned by ``app.geo.territory_facts``)."""
    facts: dict[Fact, Any] = {(KIND_QUESTION, qid): value for qid, value in answers.items()}
    for fid, value in (territory or {}).items():
        facts[(KIND_TERRITORY, fid)] = value
    return facts
