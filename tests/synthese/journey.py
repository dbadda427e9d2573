"""Sites for the council summary tests and bench: the audit's Loos-en-Gohelle journey (a 2 ha
former sheet-metal works, buildings from 1960, suspected pollution, a private owner willing to
sell, housing carried by the commune) and a minimal site."""

from __future__ import annotations

from app.extensions import db
from app.models import Answer, Site, StepProgress

LOOS_ANSWERS = {
    "site_nom": "Ancienne tôlerie",
    "unite_fonciere_surface": 20000,
    "site_type": "friche industrielle",
    "activite_libelle": "Tôlerie industrielle",
    "activite_fin_annee": 2012,
    "bati_nombre": 3,
    "icpe": "je ne sais pas",
    "sol_pollution_existe": "pollution supposée",
    "bati_surface": 6500,
    "bati_etat": "dégradation moyenne",
    "local_ancien_annee": 1960,
    "site_occupation": "totalement inoccupé",
    "proprietaire": "prive",
    "proprietaire_vendeur": "oui",
    "urba_doc_type": "PLU",
    "urba_zone_type": "U",
    "usage": "habitat",
    "porteur": "commune",
    "avancement": "idee",
}


def loos_site(done: int = 0) -> Site:
    site = Site(
        nom="Ancienne tôlerie",
        commune_code="62528",
        epci_code="246200364",
        departement_code="62",
        region_code="32",
        surface_m2=20087.0,
    )
    db.session.add(site)
    for qid, value in LOOS_ANSWERS.items():
        db.session.add(Answer(site=site, question_id=qid, value=value))
    db.session.commit()
    if done:
        from app.parcours.service import compute_for_site

        result, _ = compute_for_site(site)
        for step in result.steps[:done]:
            db.session.add(StepProgress(site=site, step_id=step.id, status="fait"))
        db.session.commit()
    return site


def minimal_site() -> Site:
    site = Site()
    db.session.add(site)
    db.session.commit()
    return site
