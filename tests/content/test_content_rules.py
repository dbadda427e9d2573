"""Provenance and wording rules (app/engine/content_rules.py): one failing fixture per rule, run
through ``flask content check`` on a small valid content folder, and each rule function on its own.

Fixtures: tests/fixtures/regles/base (valid content) and tests/fixtures/regles/<rule>.yaml (one
item breaking exactly one rule)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import content_cli
from app.engine import content_rules as rules
from app.engine.content import check_content

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
RULES = FIXTURES / "regles"
DAY = date(2026, 12, 1)


def build(tmp_path: Path, fixture: str | None = None, target: str | None = None) -> Path:
    """The valid base content, plus one rule fixture copied to ``target`` (relative path)."""
    root = tmp_path / "contenu"
    shutil.copytree(RULES / "base", root)
    data = root / "data"
    for sub in ("contacts", "ressources"):
        shutil.copytree(FIXTURES / "content" / sub, data / sub)
    shutil.copy(FIXTURES / "content" / "phases.yaml", data / "phases.yaml")
    if fixture:
        (root / target).write_text((RULES / fixture).read_text(encoding="utf-8"), encoding="utf-8")
    return root


def line_of(fixture: str, needle: str) -> int:
    lines = (RULES / fixture).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# (fixture, where it is copied, text on the reported line, reported id, message fragment)
CASES = [
    ("mot-de-redaction.yaml", "data/etapes/zz-regle.yaml", "note:", "regle", "« session »"),
    (
        "date-de-redaction.yaml",
        "data/etapes/zz-regle.yaml",
        "a_confirmer:",
        "regle",
        "date au format de rédaction",
    ),
    ("identifiant-brut.yaml", "data/etapes/zz-regle.yaml", "actions:", "regle", "« site_clos »"),
    ("code-cnig.yaml", "data/etapes/zz-regle.yaml", "objectif:", "regle", "« AUs »"),
    ("lien-http.yaml", "questionnaires/02-regle.yaml", "comment_trouver:", "regle_question", "http://"),
    ("code-entier.yaml", "data/etapes/zz-regle.yaml", "- url:", "regle", "n'est pas un article"),
    ("page-accueil.yaml", "data/etapes/zz-regle.yaml", "- url:", "regle", "page d'accueil citée"),
    ("instance-de-test.yaml", "data/etapes/zz-regle.yaml", "- url:", "regle", "instance de test"),
    (
        "verifie-dans-le-futur.yaml",
        "data/etapes/zz-regle.yaml",
        "- id:",
        "regle",
        "« verifie_le » est dans le futur",
    ),
    (
        "publication-dans-le-futur.yaml",
        "data/financements/zz-regle.yaml",
        "publiee_le:",
        "regle",
        "« publiee_le » est dans le futur",
    ),
]


def test_the_base_content_passes_every_rule(tmp_path):
    assert [str(e) for e in check_content(build(tmp_path), today=DAY)] == []


def test_editors_notes_are_never_checked_for_process_words(tmp_path):
    base = (RULES / "base" / "data" / "etapes" / "etapes.yaml").read_text(encoding="utf-8")
    assert "session" in base and "dossier de référence" in base  # in ``redaction`` only
    assert check_content(build(tmp_path), today=DAY) == []


@pytest.mark.parametrize(("fixture", "target", "needle", "iid", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fails_with_file_line_and_id(tmp_path, fixture, target, needle, iid, fragment):
    errors = [e for e in check_content(build(tmp_path, fixture, target), today=DAY) if fragment in e.message]
    assert errors, [str(e) for e in check_content(build(tmp_path, fixture, target), today=DAY)]
    error = errors[0]
    assert (error.file, error.id, error.line) == (target, iid, line_of(fixture, needle)), str(error)


@pytest.mark.parametrize("fixture", [c[0] for c in CASES[:5]])
def test_flask_content_check_fails_on_the_fixture(tmp_path, fixture):
    case = next(c for c in CASES if c[0] == fixture)
    root = build(tmp_path, fixture, case[1])
    result = CliRunner().invoke(content_cli, ["check", str(root)])
    assert result.exit_code == 1
    assert case[1] in result.output and case[4] in result.output


def test_flask_content_check_passes_on_the_shipped_content():
    result = CliRunner().invoke(content_cli, ["check"])
    assert result.exit_code == 0, result.output


# --- each rule on its own ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Adresse construite selon le modèle de la préfecture.",
        "Non vérifiée dans cette session.",
        "Voir le dossier de référence.",
        "Rédigé à partir de connaissances générales.",
        "Date fixée au 31/12/2021 pour la marquer close.",
    ],
)
def test_process_words(text):
    assert rules.process_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "Faire rédiger une délibération par le conseil municipal.",
        "Le modèle économique de l'opération.",
        "Le guide de référence de l'ADEME.",
        "La séance du conseil municipal.",
    ],
)
def test_plain_french_is_not_a_process_word(text):
    assert not rules.process_words(text)


def test_writing_dates():
    assert rules.writing_dates("Étape ajoutée le 2026-12-01.")
    assert rules.writing_dates("Relue le 3 mars")
    assert not rules.writing_dates("La dernière date limite était le 25 avril 2025.")


def test_raw_ids_ignore_link_targets_and_plain_words():
    ids = ["site_clos", "geoportail-urbanisme", "usage"]
    assert rules.raw_ids("Voir la question « programme_anct ».", ids)
    assert rules.raw_ids("Répondre à site_clos.", ids)
    assert not rules.raw_ids(
        "Le [Géoportail](https://www.geoportail-urbanisme.gouv.fr/) de l'urbanisme.", ids
    )
    assert not rules.raw_ids("L'usage prévu du terrain.", [i for i in ids if "_" in i or "-" in i])
    assert rules.raw_ids("Une zone ZnC de la carte communale.", [])


def test_links():
    assert rules.insecure_link("voir http://exemple.fr")
    assert not rules.insecure_link("voir https://exemple.fr")
    assert rules.legifrance_not_article("https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006074075/")
    assert rules.legifrance_not_article(
        "https://www.legifrance.gouv.fr/codes/section_lc/LEGITEXT000006074075/LEGISCTA1/"
    )
    assert not rules.legifrance_not_article(
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006815039"
    )
    assert not rules.legifrance_not_article(
        "https://www.legifrance.gouv.fr/loda/article_lc/LEGIARTI000044981105"
    )
    assert not rules.legifrance_not_article("https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047553584")
    assert rules.home_page("https://www.ademe.fr/", general=False)
    assert not rules.home_page("https://lannuaire.service-public.gouv.fr/", general=True)
    assert not rules.home_page("https://www.ademe.fr/aides", general=False)
    assert rules.test_instance("https://bacasable.recoconseil.fr/x")
    assert rules.test_instance("https://www.example.fr/questions-test")


def test_future_date():
    assert rules.future_date(date(2027, 1, 1), DAY)
    assert not rules.future_date(DAY, DAY)
    assert not rules.future_date(None, DAY)
