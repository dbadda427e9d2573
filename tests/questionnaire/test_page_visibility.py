"""Visibility evaluated with the answers being submitted (app.engine.questionnaire.page), on the
shipped questionnaire: what the server requires, saves, ignores and shows again."""

from __future__ import annotations

import json

from app.engine.conditions import KIND_QUESTION, KIND_TERRITORY
from app.engine.questionnaire.page import (
    client_rules,
    conditional_questions,
    evaluate_submission,
    visible_on_page,
)


def ids(questions) -> list[str]:
    return [q.id for q in questions]


def test_no_pollution_submitted_rules_out_the_origin_even_if_the_page_showed_it(questionnaire):
    pollution = questionnaire.group("pollution")
    seen = ["icpe", "sol_pollution_existe", "sol_pollution_origine", "diagnostic_pollution_realise"]
    result = evaluate_submission(
        pollution,
        questionnaire.facts({"sol_pollution_existe": "pollution supposée"}),
        {"icpe": ["non"], "sol_pollution_existe": ["pollution inexistante"]},
        {"sol_pollution_existe": "pollution supposée"},
        seen,
    )
    assert result.errors == {}
    assert result.complete
    assert "sol_pollution_origine" in result.ignored and "diagnostic_pollution_realise" in result.ignored
    assert result.values == {"icpe": "non", "sol_pollution_existe": "pollution inexistante"}
    assert ids(result.visible) == ["icpe", "sol_pollution_existe"]


def test_a_stale_answer_to_a_question_now_hidden_is_not_saved(questionnaire):
    result = evaluate_submission(
        questionnaire.group("pollution"),
        questionnaire.facts({}),
        {
            "icpe": ["non"],
            "sol_pollution_existe": ["pollution inexistante"],
            "sol_pollution_origine": ["autre"],
            "site_securite": ["autre"],
        },
        {},
        [
            "icpe",
            "sol_pollution_existe",
            "sol_pollution_origine",
            "diagnostic_pollution_realise",
            "site_securite",
        ],
    )
    assert "sol_pollution_origine" not in result.values and "site_securite" not in result.values
    assert {"sol_pollution_origine", "site_securite"} <= set(result.ignored)


def test_a_follow_up_the_user_could_not_see_is_revealed_not_required(questionnaire):
    # Saved: no pollution, so the page showed neither the origin nor the diagnostic question.
    facts = questionnaire.facts({"icpe": "non", "sol_pollution_existe": "pollution inexistante"})
    seen = ids(visible_on_page(questionnaire.group("pollution"), facts, {}))
    assert seen == ["icpe", "sol_pollution_existe"]
    result = evaluate_submission(
        questionnaire.group("pollution"),
        facts,
        {"icpe": ["non"], "sol_pollution_existe": ["pollution avérée"]},
        {"icpe": "non", "sol_pollution_existe": "pollution inexistante"},
        seen,
    )
    assert ids(result.revealed) == ["sol_pollution_origine", "diagnostic_pollution_realise"]
    assert result.errors == {}  # no error on a question the user has not seen yet
    assert not result.complete
    assert result.values["sol_pollution_existe"] == "pollution avérée"  # saved meanwhile


def test_a_revealed_follow_up_with_a_saved_answer_counts_as_answered(questionnaire):
    stored = {
        "icpe": "non",
        "sol_pollution_existe": "pollution inexistante",
        "sol_pollution_origine": "autre",
    }
    facts = questionnaire.facts(stored)
    result = evaluate_submission(
        questionnaire.group("pollution"),
        facts,
        {"icpe": ["non"], "sol_pollution_existe": ["pollution traitée"]},
        stored,
        ["icpe", "sol_pollution_existe"],
    )
    assert result.revealed == [] and result.errors == {} and result.complete
    assert "sol_pollution_origine" not in result.values  # untouched, not deleted


def test_a_seen_required_follow_up_left_empty_is_an_error(questionnaire):
    result = evaluate_submission(
        questionnaire.group("pollution"),
        questionnaire.facts({}),
        {"icpe": ["oui"], "sol_pollution_existe": ["pollution avérée"]},
        {},
        [
            "icpe",
            "sol_pollution_existe",
            "sol_pollution_origine",
            "diagnostic_pollution_realise",
            "site_securite",
        ],
    )
    assert set(result.errors) == {"sol_pollution_origine", "diagnostic_pollution_realise"}


def test_without_the_seen_list_the_saved_answers_say_what_was_shown(questionnaire):
    facts = questionnaire.facts({"proprietaire": "commune"})
    result = evaluate_submission(
        questionnaire.group("proprietaire"), facts, {"proprietaire": ["prive"]}, {"proprietaire": "commune"}
    )
    assert ids(result.revealed) == [
        "proprietaire_liquidation",
        "proprietaire_joignable",
        "proprietaire_vendeur",
    ]


def test_owner_commune_on_the_same_page_drops_the_owner_questions(questionnaire):
    result = evaluate_submission(
        questionnaire.group("proprietaire"),
        questionnaire.facts({}),
        {"proprietaire": ["commune"]},
        {},
        ["proprietaire", "proprietaire_liquidation", "proprietaire_joignable", "proprietaire_vendeur"],
    )
    assert result.complete and result.values == {"proprietaire": "commune"}
    assert ids(result.visible) == ["proprietaire"]


def test_chained_follow_ups_read_the_submitted_value_of_the_previous_one(questionnaire):
    page = questionnaire.group("proprietaire")
    seen = ["proprietaire", "proprietaire_liquidation", "proprietaire_joignable", "proprietaire_vendeur"]
    result = evaluate_submission(
        page,
        questionnaire.facts({}),
        {"proprietaire": ["prive"], "proprietaire_liquidation": ["non"], "proprietaire_joignable": ["non"]},
        {},
        seen,
    )
    # Not reachable: « prêt à vendre ? » is ruled out by the answer just above it.
    assert "proprietaire_vendeur" in result.ignored and result.complete


def test_an_unreadable_answer_is_unknown_and_keeps_its_follow_up(questionnaire):
    facts = questionnaire.facts({"bati_nombre": 2})
    result = evaluate_submission(
        questionnaire.group("batiments"),
        facts,
        {"local_ancien_annee": ["vers 1950"], "bati_pollution": ["sans objet"]},
        {},
        ids(visible_on_page(questionnaire.group("batiments"), facts, {})),
    )
    assert "local_ancien_annee" in result.errors
    assert "diagnostic_amiante_realise" in ids(result.visible)  # unknown year: still asked


def test_the_rules_for_the_browser_are_the_yaml_conditions_and_the_outside_facts(questionnaire):
    facts = questionnaire.facts({"bati_nombre": 2}, {"population": 1500})
    contexte = client_rules(questionnaire.group("contexte"), facts)
    assert contexte == {"conditions": {}, "faits": {}}  # programme_anct reads the territory only
    batiments = client_rules(questionnaire.group("batiments"), facts)
    assert set(batiments["conditions"]) == {"diagnostic_amiante_realise"}
    assert batiments["conditions"]["diagnostic_amiante_realise"] == json.loads(
        json.dumps(questionnaire.questions["diagnostic_amiante_realise"].condition)
    )
    proprietaire = client_rules(questionnaire.group("proprietaire"), facts)
    assert set(proprietaire["conditions"]) == {
        "proprietaire_liquidation",
        "proprietaire_joignable",
        "proprietaire_vendeur",
    }
    json.dumps(proprietaire)  # plain JSON


def test_outside_facts_read_by_a_follow_up_are_sent(questionnaire):
    from app.engine.questionnaire import Group, Question

    page = Group(
        "essai",
        "Essai",
        questions=[
            Question("a", "oui_non", "A ?"),
            Question(
                "b",
                "oui_non",
                "B ?",
                condition={
                    "toutes ces conditions": [
                        {"question": "a", "est": "oui"},
                        {"territoire": "zone_detendue", "est": "oui"},
                        {"question": "usage", "contient": "habitat"},
                    ]
                },
            ),
        ],
    )
    facts = {(KIND_TERRITORY, "zone_detendue"): True, (KIND_QUESTION, "usage"): ["habitat", "renaturation"]}
    assert [q.id for q in conditional_questions(page)] == ["b"]
    assert client_rules(page, facts)["faits"] == {
        "question:usage": ["habitat", "renaturation"],
        "territoire:zone_detendue": True,
    }
