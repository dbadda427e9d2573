"""The journey of the new-user audit (shared/audits/2026-12-parcours-usager.md) as a fixture:
a 2 ha former sheet-metal works in Loos-en-Gohelle (Pas-de-Calais), buildings from 1960,
suspected pollution, owned by a private company willing to sell, housing carried by the
commune. Used by the engine tests (tests/engine/test_plan.py) and the path page tests."""

from __future__ import annotations

from datetime import date

COMMUNE = "62528"  # Loos-en-Gohelle
COMMUNE_NAME = "Loos-en-Gohelle"
SITE_NAME = "Ancienne tôlerie"
TODAY = date(2026, 12, 2)  # the day of the audit: every figure of these tests is for this day

ANSWERS: dict = {
    "site_nom": SITE_NAME,
    "unite_fonciere_surface": 20000,
    "site_type": "friche industrielle",
    "activite_libelle": "Tôlerie",
    "activite_fin_annee": 2008,
    "bati_nombre": 3,
    "icpe": "inconnu",
    "sol_pollution_existe": "pollution supposée",
    "sol_pollution_origine": "pollution due au fonctionnement de l'installation",
    "diagnostic_pollution_realise": "non",
    "site_securite": ["interdictions ou limitations d'accès au site"],
    "bati_surface": 6500,
    "bati_etat": "dégradation moyenne",
    "local_ancien_annee": 1960,
    "bati_pollution": ["amiante"],
    "diagnostic_amiante_realise": "non",
    "bati_patrimoine": "aucun",
    "bati_vacance": "vacant",
    "site_occupation": "totalement inoccupé",
    "site_clos": "oui",
    "risque_immediat": "non",
    "proprietaire": "prive",
    "proprietaire_liquidation": "non",
    "proprietaire_joignable": "oui",
    "proprietaire_vendeur": "oui",
    "urba_doc_type": "PLU",
    "urba_zone_type": "U",
    "risques_connus": ["minier"],
    "enjeux_biodiversite": "non",
    "site_qpv": "non",
    "programme_anct": ["aucun"],
    "usage": "habitat",
    "porteur": "commune",
    "avancement": "idee",
    "marche_vacance": "moyenne",
    "marche_demande": "oui",
}


def engine_for(content):
    """A path engine over ``content`` that names intercommunalities, as the app's."""
    from app import geo
    from app.engine.parcours import PathEngine

    return PathEngine(
        content.catalogs, content.vocabulary, epci_name=lambda code: geo.get_dataset().epci.get(code)
    )


def compute(content, engine=None, today: date = TODAY):
    """The journey's path as the app computes it (visible answers + territory facts)."""
    from app import geo
    from app.engine.facts import build_facts

    territory = geo.territory_facts(COMMUNE)
    answers = content.questionnaire.effective_answers(ANSWERS, territory)
    engine = engine or engine_for(content)
    return engine.compute(build_facts(answers, territory), today=today, commune_name=COMMUNE_NAME)


def make_site(db, **fields):
    """The journey's site with its answers, in the database of the current app."""
    from app.models import Answer, Site

    site = Site(nom=SITE_NAME, commune_code=COMMUNE, departement_code="62", region_code="32", **fields)
    db.session.add(site)
    for qid, value in ANSWERS.items():
        db.session.add(Answer(site=site, question_id=qid, value=value))
    db.session.commit()
    return site
