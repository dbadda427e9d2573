"""Readable explanations of conditions: numbers and years as a French reader expects them."""

from __future__ import annotations

import pytest

from app.engine.conditions import FactInfo, describe_atom, evaluate
from app.engine.vocabulaire import default_vocabulary

YEAR = ("question", "local_ancien_annee")


def test_year_is_written_without_thousands_separator():
    vocab = {YEAR: FactInfo("Année de construction", "nombre", year=True)}
    assert (
        describe_atom({"question": "local_ancien_annee", "inférieur à": 1997}, vocab)
        == "Année de construction : moins de 1997"
    )
    assert (
        describe_atom({"question": "local_ancien_annee", "au moins": 1948.0}, vocab, negated=True)
        == "Année de construction : moins de 1948"
    )


def test_other_numbers_keep_the_thousands_separator_and_unit():
    vocab = {("question", "unite_fonciere_surface"): FactInfo("Surface", "nombre", unit="m²")}
    assert (
        describe_atom({"question": "unite_fonciere_surface", "au moins": 10000}, vocab)
        == "Surface : au moins 10\u202f000 m²"
    )


@pytest.mark.parametrize("qid", ["local_ancien_annee", "local_recent_annee", "activite_fin_annee"])
def test_default_vocabulary_marks_year_fields(qid):
    info = default_vocabulary()[("question", qid)]
    assert info.year and info.type == "nombre"
    assert not default_vocabulary()[("question", "bati_surface")].year


def test_questionnaire_year_questions_are_years_in_path_explanations(content):
    """The vocabulary the path engine uses (questionnaire labels over CNIG ones) keeps years as years,
    for every question of type « annee » of questionnaires/*.yaml."""
    from app.engine.questionnaire.model import ANNEE

    years = [q.id for q in content.questionnaire.questions.values() if q.type == ANNEE]
    assert years  # the questionnaire asks at least one year
    vocab = content.vocabulary
    for qid in years:
        assert vocab[("question", qid)].year, qid
        result = evaluate({"question": qid, "inférieur à": 1997}, {("question", qid): 1950}, vocab)
        assert result.value is True and result.reasons[0].endswith("moins de 1997"), result.reasons
        assert "1\u202f997" not in result.reasons[0]
