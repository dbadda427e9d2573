"""Official coordinates of a step's contacts, from the Annuaire de l'administration, when the
``ANNUAIRE_ENABLED`` setting is on (app/clients/annuaire.py). Without it, or when the Annuaire
does not answer, the step keeps its links to the directory search."""

from __future__ import annotations

from flask import current_app

from app.clients.annuaire import make_client

# Contact types of data/contacts/types.yaml → Annuaire service types.
ANNUAIRE_TYPES = {"prefecture": "prefecture", "sous-prefecture": "sous_pref", "ddt": "ddt", "epci": "epci"}


def official_contacts(step, commune_code: str | None) -> dict[str, list[dict]]:
    """Contact id → the services the Annuaire lists for this commune (empty when disabled)."""
    config = current_app.config
    if not config.get("ANNUAIRE_ENABLED") or not commune_code:
        return {}
    wanted = [c for c in step.contacts if c.type.id in ANNUAIRE_TYPES]
    types = tuple(dict.fromkeys(ANNUAIRE_TYPES[c.type.id] for c in wanted))
    if not types:
        return {}
    result = make_client(config).pour_commune(
        commune_code, types, float(config.get("ENRICHMENT_DEADLINE", 4))
    )
    found = {c.id: result.donnees.get(ANNUAIRE_TYPES[c.type.id]) for c in wanted}
    return {cid: entries for cid, entries in found.items() if entries}
