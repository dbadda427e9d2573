"""`flask content check` rejects broken content with file, line, id and a precise French message."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import content_cli
from app.engine.content import check_content
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]

BASE = """\
groupes:
  - id: site
    titre: Le site
    questions:
      - id: icpe
        type: oui_non
        libelle: Ancienne ICPE ?
        sert_a: [étape cessation-icpe]
      - id: surface
        type: nombre
        unite: m²
        libelle: Surface ?
        validation: {min: 0, max: 1000}
        sert_a: [statistiques]
  - id: projet
    titre: Le projet
    questions:
      - id: usage
        type: choix_unique
        libelle: Usage ?
        choix:
          - {valeur: habitat, libelle: Logements}
          - {valeur: renaturation, libelle: Renaturation}
        si:
          question: icpe
          est: [oui, inconnu]
        sert_a: [financements]
"""


def draft(tmp_path: Path, text: str, name: str = "01-test.yaml") -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def only_error(tmp_path, text, **extra_files):
    root = draft(tmp_path, text)
    for name, content in extra_files.items():
        draft(tmp_path, content, name.replace("_", "-") + ".yaml")
    errors = check_content(root)
    assert errors, "le contenu cassé aurait dû être refusé"
    return errors


def test_valid_draft_has_no_error(tmp_path):
    assert check_content(draft(tmp_path, BASE)) == []


def test_shipped_content_is_valid():
    assert check_content(ROOT) == []


@pytest.mark.parametrize(
    ("mutate", "line", "ident", "message"),
    [
        # 1. YAML syntax
        (lambda s: s.replace("titre: Le site", "titre: [Le site"), 4, None, "YAML invalide"),
        # 2. duplicate key
        (
            lambda s: s.replace(
                "        libelle: Surface ?\n", "        libelle: Surface ?\n        libelle: Aire\n"
            ),
            13,
            None,
            "clé « libelle » en double",
        ),
        # 3. missing label
        (lambda s: s.replace("        libelle: Ancienne ICPE ?\n", ""), 5, "icpe", "sans « libelle »"),
        # 4. unknown type
        (lambda s: s.replace("type: nombre", "type: numerique"), 9, "surface", "type « numerique » inconnu"),
        # 5. duplicate question id
        (lambda s: s.replace("- id: surface", "- id: icpe"), 9, "icpe", "identifiant de question en double"),
        # 6. duplicate group id
        (lambda s: s.replace("- id: projet", "- id: site"), 15, "site", "identifiant de groupe en double"),
        # 7. duplicate choice value
        (
            lambda s: s.replace(
                "{valeur: renaturation, libelle: Renaturation}", "{valeur: habitat, libelle: Autre}"
            ),
            23,
            "usage",
            "valeur de choix « habitat » en double",
        ),
        # 8. unknown question in a condition
        (
            lambda s: s.replace("question: icpe", "question: icpee"),
            25,
            "usage",
            "question inconnu(e) « icpee »",
        ),
        # 9. unknown value in a condition
        (
            lambda s: s.replace("est: [oui, inconnu]", "est: [peut-être]"),
            25,
            "usage",
            "valeur(s) inconnue(s) pour « icpe »",
        ),
        # 10. condition reading a later question
        (
            lambda s: s.replace(
                "        sert_a: [statistiques]",
                "        sert_a: [statistiques]\n        si: {question: usage, est: habitat}",
            ),
            15,
            "surface",
            "posée plus loin dans le questionnaire",
        ),
        # 10b. condition reading a question placed below on the same page
        (
            lambda s: s.replace(
                "        sert_a: [étape cessation-icpe]",
                "        sert_a: [étape cessation-icpe]\n        si: {question: surface, au moins: 3}",
            ),
            9,
            "icpe",
            "plus bas sur la même page",
        ),
        # 11. cycle (a question that depends on itself)
        (
            lambda s: s.replace("question: icpe", "question: usage").replace(
                "est: [oui, inconnu]", "est: habitat"
            ),
            25,
            "usage",
            "cycle dans les conditions : usage → usage",
        ),
        # 12. unreachable question (contradictory condition)
        (
            lambda s: s.replace(
                "          question: icpe\n          est: [oui, inconnu]",
                "          toutes ces conditions:\n            - {question: icpe, est: oui}\n"
                "            - {question: icpe, est: non}",
            ),
            25,
            "usage",
            "question jamais posée",
        ),
        # 13. incoherent bounds
        (
            lambda s: s.replace("{min: 0, max: 1000}", "{min: 5000, max: 1000}"),
            13,
            "surface",
            "bornes incohérentes",
        ),
        # 14. no purpose
        (lambda s: s.replace("        sert_a: [statistiques]\n", ""), 9, "surface", "« sert_a » manquant"),
        # 15. typo in a key
        (
            lambda s: s.replace("libelle: Usage ?", "libelle: Usage ?\n        indication: x"),
            18,
            "usage",
            "clé(s) inconnue(s) : indication",
        ),
        # 16. invalid id
        (
            lambda s: s.replace("- id: surface", "- id: Surface-Totale"),
            9,
            "Surface-Totale",
            "identifiant invalide",
        ),
        # 17. single choice without choices
        (
            lambda s: s.replace(
                "          - {valeur: habitat, libelle: Logements}\n"
                "          - {valeur: renaturation, libelle: Renaturation}\n",
                "",
            ).replace("        choix:\n", "        choix: []\n"),
            18,
            "usage",
            "liste « choix » non vide",
        ),
        # 18. contains on a single-choice question
        (lambda s: s.replace("est: [oui, inconnu]", "contient: oui"), 25, "usage", "« contient » s'applique"),
        # 19. numeric operator on a choice question
        (lambda s: s.replace("est: [oui, inconnu]", "au moins: 3"), 25, "usage", "s'applique à un nombre"),
        # 20. unknown territory fact
        (
            lambda s: s.replace(
                "question: icpe\n          est: [oui, inconnu]", "territoire: canton\n          est: x"
            ),
            25,
            "usage",
            "fait de territoire inconnu(e) « canton »",
        ),
    ],
    ids=[
        "yaml",
        "cle-double",
        "libelle",
        "type",
        "id-question-double",
        "id-groupe-double",
        "choix-double",
        "question-inconnue",
        "valeur-inconnue",
        "ordre",
        "ordre-page",
        "cycle",
        "inatteignable",
        "bornes",
        "sert_a",
        "cle-inconnue",
        "id-invalide",
        "choix-vide",
        "contient",
        "operateur-nombre",
        "territoire-inconnu",
    ],
)
def test_broken_content_is_rejected_precisely(tmp_path, mutate, line, ident, message):
    errors = only_error(tmp_path, mutate(BASE))
    match = [e for e in errors if message in e.message]
    assert match, f"attendu « {message} », obtenu : {[str(e) for e in errors]}"
    error = match[0]
    assert error.file == "questionnaires/01-test.yaml"
    assert error.line == line, str(error)
    assert error.id == ident
    assert str(error).startswith(f"questionnaires/01-test.yaml, ligne {line}")


def test_duplicate_id_across_files_names_both_places(tmp_path):
    second = """\
    groupes:
      - id: autre
        titre: Autre
        questions:
          - id: icpe
            type: oui_non
            libelle: Encore ?
            sert_a: [x]
    """
    errors = only_error(tmp_path, BASE, **{"02_autre": second})
    assert any(
        e.file == "questionnaires/02-autre.yaml" and e.id == "icpe" and "01-test.yaml, ligne 5" in e.message
        for e in errors
    ), [str(e) for e in errors]


def test_group_condition_cannot_read_its_own_questions(tmp_path):
    text = BASE.replace(
        "  - id: projet\n    titre: Le projet\n",
        "  - id: projet\n    titre: Le projet\n    si: {question: usage, est: habitat}\n",
    )
    errors = only_error(tmp_path, text)
    assert any("cycle" in e.message and e.id == "projet" for e in errors), [str(e) for e in errors]


def test_every_error_is_reported_not_just_the_first(tmp_path):
    text = BASE.replace("type: nombre", "type: numerique").replace("        libelle: Ancienne ICPE ?\n", "")
    assert len(check_content(draft(tmp_path, text))) >= 2


def test_failed_scenario_is_reported(tmp_path):
    root = draft(tmp_path, BASE)
    (root / "questionnaires" / "scenarios").mkdir()
    (root / "questionnaires" / "scenarios" / "s.yaml").write_text(
        "- nom: ICPE non\n  reponses: {icpe: non}\n  visibles: [usage]\n"
        "- nom: Faute de frappe\n  reponses: {icpee: non}\n",
        encoding="utf-8",
    )
    errors = check_content(root)
    messages = [str(e) for e in errors]
    assert (
        "questionnaires/scenarios/s.yaml, ligne 1, « ICPE non » : la question « usage » devrait être posée"
        in messages
    )
    assert any("question(s) inconnue(s) : icpee" in m and "ligne 4" in m for m in messages)


def test_cli_reports_errors_and_fails(tmp_path):
    root = draft(tmp_path, BASE.replace("type: nombre", "type: numerique"))
    result = CliRunner().invoke(content_cli, ["check", str(root)])
    assert result.exit_code != 0
    assert "questionnaires/01-test.yaml, ligne 9, « surface » : type « numerique » inconnu" in result.output


def test_cli_accepts_shipped_and_draft_content(tmp_path):
    result = CliRunner().invoke(content_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "Contenu valide" in result.output
    result = CliRunner().invoke(content_cli, ["check", str(draft(tmp_path, BASE))])
    assert result.exit_code == 0, result.output


def shipped_copy(tmp_path: Path) -> Path:
    root = tmp_path / "contenu"
    for sub in ("questionnaires", "data", "stats"):
        shutil.copytree(ROOT / sub, root / sub)
    return root


def test_app_refuses_to_start_on_broken_questionnaire(tmp_path, database_url):
    root = shipped_copy(tmp_path)
    path = root / "questionnaires" / "03-projet.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("question: usage", "question: usag"), encoding="utf-8"
    )
    with pytest.raises(RuntimeError) as info:
        make_app(database_url, CONTENT_ROOT=str(root))
    assert "questionnaires/03-projet.yaml, ligne" in str(info.value)
    assert "« usag »" in str(info.value)


def test_app_serves_only_the_content_the_check_accepts(tmp_path, database_url):
    """A draft whose step reads an unknown question: the check rejects it, so the app does not start
    on it (the audit found the app serving such a draft through a separate data setting)."""
    root = shipped_copy(tmp_path)
    path = root / "data" / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    assert "question: site_clos" in text
    path.write_text(text.replace("question: site_clos", "question: site_clôturé", 1), encoding="utf-8")
    errors = [str(e) for e in check_content(root)]
    assert any("data/conditions.yaml, ligne" in e and "site_clôturé" in e for e in errors), errors
    with pytest.raises(RuntimeError) as info:
        make_app(database_url, CONTENT_ROOT=str(root))
    assert "site_clôturé" in str(info.value)
    result = CliRunner().invoke(content_cli, ["check", str(root)])
    assert result.exit_code == 1 and "site_clôturé" in result.output
