"""The questionnaire model: shipped content, vocabulary, three-valued visibility, answer parsing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.engine.conditions import KIND_QUESTION, KIND_TERRITORY, evaluate
from app.engine.questionnaire.answers import validate_answer
from app.engine.questionnaire.model import ANNEE, CHOICE_TYPES, LOCALISATION, NOMBRE, TYPES, UNKNOWN

ROOT = Path(__file__).resolve().parents[2]
CNIG = ROOT / "data" / "cnig" / "schema-friches-v1.0.6.json"

CONTRACT = {
    "proprietaire": [
        "commune",
        "epci",
        "departement_region",
        "etat",
        "etablissement_public",
        "sncf",
        "bailleur_social",
        "prive",
        "copropriete_indivision",
        "inconnu",
    ],
    "icpe": ["oui", "non", "inconnu"],
    "porteur": [
        "commune",
        "epci",
        "departement_region",
        "etat",
        "epf",
        "bailleur_social",
        "epl",
        "prive",
        "association",
    ],
    "avancement": ["idee", "etudes", "programme_defini", "operationnel"],
    "proprietaire_joignable": ["oui", "non", "inconnu"],
    "risque_immediat": ["oui", "non", "inconnu"],
    "enjeux_biodiversite": ["oui", "non", "inconnu"],
    "programme_anct": [
        "action_coeur_de_ville",
        "petites_villes_de_demain",
        "villages_avenir",
        "ort",
        "aucun",
        "inconnu",
    ],
}


def test_shipped_content_size_and_purpose(questionnaire):
    assert 30 <= len(questionnaire.questions) <= 45
    for q in questionnaire.questions.values():
        assert q.type in TYPES
        assert q.serves, f"{q.id} n'a pas de sert_a"
        assert q.label


def test_contract_question_ids_and_values_are_exact(questionnaire):
    for qid, values in CONTRACT.items():
        q = questionnaire.questions[qid]
        assert sorted(q.choice_labels) == sorted(values), qid
    usage = questionnaire.questions["usage"]
    assert set(usage.choice_labels) == {
        "habitat",
        "bureau",
        "commerce",
        "industrie",
        "autres activités économiques",
        "équipement public",
        "aménagement d'espace public",
        "renaturation",
        "panneaux photovoltaïques",
        "énergie, hors photovoltaïque",
        "mixte",
        "inconnu",
    }


def test_cnig_fields_use_cnig_values_verbatim(questionnaire):
    schema = json.loads(CNIG.read_text(encoding="utf-8"))
    enums = {f["name"]: f.get("constraints", {}).get("enum") for f in schema["fields"]}
    checked = 0
    for q in questionnaire.questions.values():
        if q.id in enums and enums[q.id] and q.type in CHOICE_TYPES:
            assert set(q.choice_labels) <= set(enums[q.id]), q.id
            checked += 1
    assert checked >= 10
    for qid in (
        "unite_fonciere_surface",
        "bati_surface",
        "bati_nombre",
        "local_ancien_annee",
        "activite_fin_annee",
    ):
        assert qid in enums, qid


def test_vocabulary_has_questions_and_territory(questionnaire):
    vocab = questionnaire.vocabulary()
    assert vocab[(KIND_QUESTION, "local_ancien_annee")].type == "nombre"
    assert vocab[(KIND_QUESTION, "bati_pollution")].type == "choix_multiple"
    assert vocab[(KIND_QUESTION, "icpe")].choices == {"oui": "Oui", "non": "Non", "inconnu": "Je ne sais pas"}
    assert (KIND_TERRITORY, "zone_detendue") in vocab
    assert (KIND_QUESTION, "site_localisation") not in vocab  # a location summary holds no answer


def test_unknown_answer_shows_dependent_question_false_hides_it(questionnaire):
    facts = questionnaire.facts({"icpe": "inconnu"})
    assert questionnaire.is_visible("site_securite", facts)
    assert not questionnaire.is_visible("site_securite", questionnaire.facts({"icpe": "non"}))
    assert questionnaire.is_visible("site_securite", questionnaire.facts({}))


def test_group_condition_hides_whole_group(questionnaire):
    facts = questionnaire.facts({"bati_nombre": 0})
    assert "batiments" not in [g.id for g in questionnaire.visible_groups(facts)]
    assert questionnaire.visible_questions(questionnaire.group("batiments"), facts) == []


def test_hidden_answers_are_ignored_by_the_rules(questionnaire):
    answers = {"bati_nombre": 0, "local_ancien_annee": 1930, "icpe": "oui"}
    effective = questionnaire.effective_answers(answers)
    assert "local_ancien_annee" not in effective and effective["icpe"] == "oui"
    facts = questionnaire.facts(answers)
    amiante = {"question": "local_ancien_annee", "au plus": 1997}
    assert evaluate(amiante, facts).value is None


def test_territory_facts_drive_visibility(questionnaire):
    assert not questionnaire.is_visible("programme_anct", questionnaire.facts({}, {"population": 800000}))
    assert questionnaire.is_visible("programme_anct", questionnaire.facts({}, {"population": 800}))
    assert questionnaire.is_visible("programme_anct", questionnaire.facts({}, {}))


def test_label_of(questionnaire):
    assert questionnaire.label_of("icpe", "inconnu") == "Je ne sais pas"
    assert questionnaire.label_of("unite_fonciere_surface", 32000) == "32\u202f000 m²"
    assert questionnaire.label_of("bati_pollution", ["amiante", "plomb"]) == "Amiante, Plomb"
    assert questionnaire.label_of("proprietaire", "sncf") == "SNCF"
    assert questionnaire.label_of("question_disparue", "x") == "x"


@pytest.mark.parametrize(
    ("qid", "raw", "expected"),
    [
        ("unite_fonciere_surface", ["32 000"], 32000),
        ("unite_fonciere_surface", ["32\u202f000"], 32000),
        ("unite_fonciere_surface", ["", "inconnu"], UNKNOWN),
        ("unite_fonciere_surface", [""], None),
        ("local_ancien_annee", ["1950"], 1950),
        ("icpe", ["inconnu"], "inconnu"),
        ("icpe", ["oui"], "oui"),
        ("bati_pollution", ["plomb", "amiante"], ["amiante", "plomb"]),
        ("site_nom", ["  Filature   du Moulin "], "Filature du Moulin"),
    ],
)
def test_validate_answer_values(questionnaire, qid, raw, expected):
    value, error = validate_answer(questionnaire.questions[qid], raw)
    assert error is None
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("qid", "raw", "message"),
    [
        ("unite_fonciere_surface", ["beaucoup"], "Indiquez un nombre"),
        ("unite_fonciere_surface", ["12,5"], "nombre entier"),
        ("unite_fonciere_surface", ["0"], "supérieur ou égal à 1"),
        ("local_ancien_annee", ["54"], "quatre chiffres"),
        ("local_ancien_annee", ["2999"], "comprise entre"),
        ("icpe", [], "Sélectionnez une réponse"),
        ("icpe", ["peut-être"], "réponses proposées"),
        ("bati_pollution", ["amiante", "inconnu"], "ne peut pas être coché"),
        ("bati_pollution", ["amiante", "sans objet"], "ne peut pas être coché"),
        ("site_nom", ["x" * 500], "au plus 120 caractères"),
    ],
)
def test_validate_answer_errors_in_french(questionnaire, qid, raw, message):
    value, error = validate_answer(questionnaire.questions[qid], raw)
    assert value is None
    assert message in error


def test_numbers_and_years_stored_as_numbers(questionnaire):
    for q in questionnaire.questions.values():
        if q.type in (NOMBRE, ANNEE):
            value, _ = validate_answer(q, [str(int(q.min or 0) + 1) if q.type == NOMBRE else "1990"])
            assert isinstance(value, int), q.id
        if q.type == LOCALISATION:
            assert validate_answer(q, ["n'importe quoi"]) == (None, None)
