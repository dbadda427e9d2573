"""Regression tests for each fact the December 2026 content audit found wrong, outdated or
unsourced (../shared/audits/2026-12-contenu.md), and for the path contradictions it saw. Run on
the shipped content at a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from app import geo
from app.engine.catalogs import SchemeStatus
from app.engine.content_rules import process_words, writing_dates
from app.engine.facts import build_facts
from app.engine.parcours import PathEngine

DAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def cat(content):
    return content.catalogs


@pytest.fixture(scope="module")
def engine(content):
    return PathEngine(content.catalogs, content.vocabulary, epci_name=geo.get_dataset().epci.get)


def epf_for(engine, code):
    return [c.id for c in engine.contacts_for("epf", geo.territory_facts(code), "x")]


# --- audit 1-4: EPF perimeters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("commune", "expected"),
    [
        ("72181", ["epfl-mayenne-sarthe"]),  # Le Mans
        ("53130", ["epfl-mayenne-sarthe"]),  # Laval
        ("38053", ["epora"]),  # Bourgoin-Jallieu (CAPI, north-west Isère)
        ("38544", ["epora"]),  # Vienne (Vienne Condrieu)
        ("69264", ["epora"]),  # Villefranche-sur-Saône: Rhône outside the Métropole
        ("62528", ["epf-hauts-de-france"]),  # Loos-en-Gohelle: no Oise/Aisne entry
        ("60057", ["epflo"]),  # Beauvais
    ],
)
def test_epf_of_a_commune(engine, commune, expected):
    assert epf_for(engine, commune) == expected


@pytest.mark.parametrize(
    "commune", ["69123", "69266", "49007", "01194"]
)  # Lyon, Villeurbanne, Angers, Jassans
def test_communes_without_any_epf_get_none(engine, commune):
    assert epf_for(engine, commune) == []


def test_a_local_epf_known_by_departement_only_is_shown_as_to_check(engine):
    (contact,) = engine.contacts_for("epf", geo.territory_facts("72181"), "Le Mans")
    assert not contact.verified and "intercommunalité" in contact.note and "membre" in contact.note


def test_no_epf_note_talks_about_another_territory(engine):
    for c in engine.contacts_for("epf", geo.territory_facts("62528"), "Loos-en-Gohelle"):
        assert "Oise" not in (c.note or "") and "Aisne" not in (c.note or "")


def test_water_agency_notes_name_no_departement(cat):
    for c in cat.contacts_by_type["agence-eau"]:
        text = f"{c.note or ''} {c.to_confirm or ''}"
        assert not any(ch.isdigit() for ch in text), c.id


# --- audit 5-7: PLU route, biens sans maître, VAT -------------------------------------------------


def test_plu_route_no_longer_offers_the_abolished_simplified_modification_for_zones_a_n(cat):
    step = cat.steps_by_id["evolution-document-urbanisme"]
    text = " ".join([step.objective, *step.actions])
    assert "révision" in text and "PADD" in text and "déclaration de projet" in text
    assert "modification simplifiée disparaît" in text
    assert step.to_confirm and "DDT(M)" in step.to_confirm
    assert any("LEGIARTI" in s.url or "anil.org" in s.url for s in step.sources)


def test_biens_sans_maitre_ten_years_in_ort_qpv_and_rural_zones(cat):
    step = cat.steps_by_id["bien-sans-maitre"]
    text = " ".join(step.actions)
    assert "trente ans" in text and "dix ans" in text
    for zone in ("revitalisation de territoire", "quartier prioritaire", "revitalisation rurale"):
        assert zone in text
    assert "France Ruralités Revitalisation" in step.to_confirm
    assert any(s.url.endswith("LEGIARTI000006361150") for s in step.sources)  # CGPPP L.1123-1


def test_vat_separates_social_rental_from_social_home_ownership_and_cites_the_cibs(cat):
    tva = cat.schemes["tva-reduite-logement-social"]
    assert "PLAI" in tva.rate and "10 %" in tva.rate and "accession" in tva.rate.lower()
    assert tva.calendar.legal_basis.url.endswith("LEGIARTI000053106988")
    assert "impositions sur les biens et services" in tva.calendar.legal_basis.title


# --- audit 8-11, 13, 14: scheme statuses ----------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "status", "last_deadline"),
    [
        ("feder-normandie-friches", SchemeStatus.CLOSED, date(2022, 10, 31)),
        ("region-nouvelle-aquitaine-sobriete-fonciere", SchemeStatus.UPCOMING, date(2026, 1, 31)),
        ("ademe-friches-polluees-etudes", SchemeStatus.UPCOMING, date(2025, 12, 31)),
        ("ademe-friches-polluees-travaux", SchemeStatus.UPCOMING, date(2025, 12, 31)),
        ("fonds-vert-recyclage-foncier", SchemeStatus.UPCOMING, date(2025, 12, 15)),
        ("petites-villes-de-demain", SchemeStatus.UPCOMING, None),
        ("detr", SchemeStatus.UPCOMING, None),
        ("dsil", SchemeStatus.UPCOMING, None),
    ],
)
def test_scheme_status_tells_the_truth(cat, scheme, status, last_deadline):
    timing = cat.schemes[scheme].timing(DAY)
    assert timing.status == status
    assert timing.last_deadline == last_deadline
    if status == SchemeStatus.UPCOMING:
        assert not timing.confirmed and timing.closes is None


def test_no_scheme_is_open_without_a_dated_current_edition_or_a_cited_legal_basis(cat):
    for s in cat.schemes.values():
        if s.status(DAY) == SchemeStatus.OPEN:
            edition, legal = s.calendar.edition, s.calendar.legal_basis
            assert (edition and edition.published_on <= DAY and edition.source) or (
                legal and "legifrance.gouv.fr" in legal.url and "article" in legal.url
            ), s.id


def test_detr_says_what_happened_to_the_merger(cat):
    assert "Sénat a supprimé cette fusion" in cat.schemes["detr"].to_confirm


def test_the_scheme_without_any_source_is_gone(cat):
    assert "region-bfc-requalification-eco" not in cat.schemes


def test_npnru_only_for_a_site_in_or_near_a_priority_quarter(cat):
    assert cat.schemes["anru-npnru"].condition == {"question": "site_qpv", "est": "oui"}


# --- audit 12: DEALM --------------------------------------------------------------------------------


def test_mayotte_state_services_are_the_dealm(cat):
    names = [c.name for c in cat.contacts if "976" in c.covers.get("departements", ()) and c.type == "ddt"]
    names += [c.name for c in cat.contacts if "06" in c.covers.get("regions", ()) and c.type == "dreal"]
    assert names and all(n.startswith("DEALM") for n in names)
    assert not any("DEAL de Mayotte" in (c.name + (c.note or "")) for c in cat.contacts)


# --- presentation defects -------------------------------------------------------------------------


def all_items(cat):
    return [
        *cat.steps,
        *cat.schemes.values(),
        *cat.contacts,
        *cat.contact_types.values(),
        *cat.resources.values(),
    ]


def test_no_user_facing_text_carries_a_process_word_or_a_writing_date(cat):
    for item in all_items(cat):
        texts = [item.note, item.to_confirm, getattr(item, "objective", None), getattr(item, "rate", None)]
        texts += list(getattr(item, "actions", ()))
        for text in filter(None, texts):
            assert not process_words(text) and not writing_dates(text), (item.id, text)


def test_verified_means_a_verification_date_and_no_open_doubt(cat):
    for item in all_items(cat):
        assert item.verified == (item.checked_on is not None and not item.to_confirm), item.id


def test_no_contact_links_a_guessed_page_for_a_body_without_its_own_site(cat):
    # DDT(M), sous-préfectures, DRAC and UDAP have no own site read from an official list.
    for c in cat.contacts:
        if c.type in ("sous-prefecture", "drac", "udap", "cerema") and c.id != "cerema-urbanvitaliz":
            assert c.url is None, c.id


# --- path contradictions ----------------------------------------------------------------------------


def path(engine, answers, commune="62528"):
    return engine.compute(build_facts(answers, geo.territory_facts(commune)), today=DAY)


def test_no_abandon_manifeste_for_a_willing_seller(engine):
    answers = {
        "proprietaire": "prive",
        "proprietaire_liquidation": "non",
        "proprietaire_joignable": "oui",
        "proprietaire_vendeur": "oui",
        "bati_nombre": 2,
        "bati_etat": "dégradation très importante",
    }
    ids = [s.id for s in path(engine, answers).steps]
    assert "abandon-manifeste" not in ids and "acquisition-amiable" in ids


def test_the_former_operators_duties_come_before_the_soil_studies(engine):
    answers = {"icpe": "oui", "sol_pollution_existe": "pollution supposée", "proprietaire": "prive"}
    ids = [s.id for s in path(engine, answers).steps]
    assert (
        ids.index("statut-pollueur-payeur")
        < ids.index("cessation-icpe")
        < ids.index("pollution-etude-historique")
    )


def test_a_company_in_liquidation_goes_through_the_liquidator(engine):
    answers = {"proprietaire": "prive", "proprietaire_liquidation": "oui", "icpe": "oui"}
    ids = [s.id for s in path(engine, answers).steps]
    assert {
        "liquidation-identifier-liquidateur",
        "liquidation-achat",
        "liquidation-obligations-exploitant",
    } <= set(ids)
    assert "acquisition-amiable" not in ids and "abandon-manifeste" not in ids


def test_a_confirmed_pollution_continues_to_the_management_plan_and_works(engine):
    answers = {
        "sol_pollution_existe": "pollution avérée",
        "icpe": "non",
        "diagnostic_pollution_realise": "oui",
    }
    ids = [s.id for s in path(engine, answers).steps]
    assert {"plan-de-gestion", "travaux-depollution", "attestation-sis-permis"} <= set(ids)


def test_the_site_names_its_own_intercommunality_with_its_role(engine, cat):
    (contact,) = engine.contacts_for("epci", geo.territory_facts("62528"), "Loos-en-Gohelle")
    assert contact.name == geo.get_dataset().epci[geo.territory_facts("62528")["epci"]]
    assert contact.directory and "whoWhat=" in contact.url and "Loos-en-Gohelle" in contact.url
    assert contact.role == cat.contact_types["epci"].role


def schemes_of(engine, answers, commune="62528"):
    return {f.id: f for s in path(engine, answers, commune).steps for f in s.schemes}


def test_npnru_is_offered_only_for_a_site_in_or_near_a_priority_quarter(engine):
    answers = {"porteur": "commune", "usage": "habitat"}
    assert "anru-npnru" in schemes_of(engine, {**answers, "site_qpv": "oui"})
    assert "anru-npnru" not in schemes_of(engine, {**answers, "site_qpv": "non"})
    assert schemes_of(engine, {**answers, "site_qpv": "inconnu"})["anru-npnru"].eligibility == "a_verifier"


def test_regional_schemes_reach_the_path_of_their_region_only(engine):
    answers = {"porteur": "commune", "usage": "habitat"}
    in_hdf = schemes_of(engine, answers, "62528")
    assert "epf-hauts-de-france-recyclage" in in_hdf and "region-occitanie-reconquete-friches" not in in_hdf
    assert "epf-hauts-de-france-recyclage" not in schemes_of(engine, answers, "60057")  # Oise: EPFLO
    assert "region-occitanie-reconquete-friches" in schemes_of(engine, answers, "81004")  # Albi
