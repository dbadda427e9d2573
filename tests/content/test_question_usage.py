"""No decorative question (issue 3): `flask content check` names every question that nothing reads,
and every step or scheme that would ask the user a question the questionnaire hides.

Each test builds a small content folder (questionnaire + catalogs + statistics) from the catalog
fixture in tests/fixtures/content, then breaks exactly one thing.
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from app.engine.content import check_content, load_content
from app.engine.usage import question_usage, stats_questions, usage_report

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"

QUESTIONNAIRE = """\
groupes:
  - id: site
    titre: Le site
    questions:
      - id: surface
        type: nombre
        unite: m²
        libelle: Surface du terrain ?
        sert_a: [statistiques]
      - id: bati_nombre
        type: nombre
        libelle: Combien de bâtiments ?
        sert_a: [questionnaire]
      - id: etat_bati
        type: choix_unique
        libelle: État des bâtiments ?
        si:
          question: bati_nombre
          au moins: 1
        choix:
          - {valeur: ruine, libelle: En ruine}
          - {valeur: bon, libelle: En bon état}
        sert_a: [étape securiser]
      - id: site_clos
        type: oui_non
        libelle: Le site est-il clos ?
        sert_a: [étape securiser]
"""

STEPS = """\
- id: inventaire
  phase: connaitre
  titre: Rassembler ce que l'on sait du site
  objectif: Réunir les informations publiques.
  contacts: [ddt]
  sources: [{url: "https://cartofriches.cerema.fr/fiche", titre: Cartofriches}]
  verifie_le: 2026-01-10

- id: securiser
  phase: connaitre
  titre: Mettre le site en sécurité
  objectif: Supprimer les dangers.
  si:
    une de ces conditions:
      - question: site_clos
        est: non
      - toutes ces conditions:
          - question: bati_nombre
            au moins: 1
          - question: etat_bati
            est: ruine
  contacts: [epf]
  ressources: [cartofriches]
  sources: [{url: "https://www.georisques.gouv.fr/fiche", titre: Géorisques}]
  verifie_le: 2026-01-10
"""

STATS = """\
- id: hectares
  nom: Hectares étudiés
  axe: impact
  unite: ha
  definition: Surface des sites.
  methode: Somme.
  questions: [surface]
"""


def build(
    tmp_path: Path, questionnaire: str = QUESTIONNAIRE, steps: str = STEPS, stats: str | None = STATS
) -> Path:
    """A content folder: questionnaires/, data/ (fixture phases, contacts, resources) and stats/."""
    root = tmp_path / "contenu"
    data = root / "data"
    for sub in ("contacts", "ressources"):
        shutil.copytree(FIXTURE / sub, data / sub)
    shutil.copy(FIXTURE / "phases.yaml", data / "phases.yaml")
    (data / "etapes").mkdir()
    (data / "etapes" / "etapes.yaml").write_text(textwrap.dedent(steps), encoding="utf-8")
    (data / "financements").mkdir()
    (data / "financements" / "aides.yaml").write_text("[]\n", encoding="utf-8")
    (root / "questionnaires").mkdir()
    (root / "questionnaires" / "01-site.yaml").write_text(textwrap.dedent(questionnaire), encoding="utf-8")
    if stats is not None:
        (root / "stats").mkdir()
        (root / "stats" / "indicateurs.yaml").write_text(textwrap.dedent(stats), encoding="utf-8")
    return root


def messages(root: Path) -> list[str]:
    return [str(e) for e in check_content(root)]


def test_fixture_content_is_valid(tmp_path):
    assert messages(build(tmp_path)) == []


def test_question_that_nothing_reads_is_refused_with_file_line_and_id(tmp_path):
    text = (
        QUESTIONNAIRE
        + """\
      - id: site_nom
        type: texte_court
        libelle: Nom du site ?
        sert_a: [tableau de bord]
"""
    )
    errors = check_content(build(tmp_path, text))
    assert len(errors) == 1, errors
    error = errors[0]
    assert (error.file, error.id) == ("questionnaires/01-site.yaml", "site_nom")
    assert error.line == text.splitlines().index("      - id: site_nom") + 1
    assert "question décorative" in error.message and "hors_parcours" in error.message


def test_question_used_only_to_show_another_question_is_decorative(tmp_path):
    # etat_bati is no longer read by any step: bati_nombre only decides whether etat_bati is asked.
    steps = STEPS.replace(
        """      - toutes ces conditions:
          - question: bati_nombre
            au moins: 1
          - question: etat_bati
            est: ruine
""",
        "",
    )
    found = messages(build(tmp_path, steps=steps))
    assert len(found) == 3, found
    assert any("« bati_nombre »" in m and "ne sert qu'à afficher : etat_bati" in m for m in found)
    assert any("« etat_bati »" in m and "question décorative" in m for m in found)
    # Its « sert_a » still promises the step: that memo is now wrong too.
    assert any("« etat_bati »" in m and "« sert_a » cite « securiser »" in m for m in found)


def test_hors_parcours_keeps_a_question_and_is_refused_on_a_used_one(tmp_path):
    kept = (
        QUESTIONNAIRE
        + """\
      - id: site_nom
        type: texte_court
        libelle: Nom du site ?
        sert_a: [tableau de bord]
        hors_parcours: Sert seulement à reconnaître le dossier sur le tableau de bord.
"""
    )
    assert messages(build(tmp_path / "a", kept)) == []
    misused = QUESTIONNAIRE.replace(
        """        sert_a: [étape securiser]
      - id: site_clos""",
        """        sert_a: [étape securiser]
        hors_parcours: Gardée pour le dossier.
      - id: site_clos""",
    )
    found = messages(build(tmp_path / "b", misused))
    assert len(found) == 1 and "« etat_bati »" in found[0] and "« hors_parcours » est inutile" in found[0], (
        found
    )
    empty = kept.replace(
        "hors_parcours: Sert seulement à reconnaître le dossier sur le tableau de bord.", 'hors_parcours: ""'
    )
    found = messages(build(tmp_path / "c", empty))
    assert any("« hors_parcours » doit être une phrase" in m for m in found), found


def test_sert_a_must_not_name_a_step_that_does_not_read_the_question(tmp_path):
    text = QUESTIONNAIRE.replace(
        """        sert_a: [statistiques]""",
        """        sert_a: [statistiques, "étape securiser (surface)"]""",
    )
    found = check_content(build(tmp_path, text))
    assert [(e.id, e.line) for e in found] == [("surface", 5)], found
    assert "« sert_a » cite « securiser », dont la condition ne lit pas cette question" in found[0].message


def test_statistics_count_as_a_use_and_unknown_ids_are_reported(tmp_path):
    without_stats = messages(build(tmp_path / "a", stats="[]\n"))
    assert len(without_stats) == 1 and "« surface »" in without_stats[0], without_stats
    bad = STATS.replace("questions: [surface]", "questions: [surface, surfce]")
    found = check_content(build(tmp_path / "b", stats=bad))
    assert [(e.file, e.line, e.id) for e in found] == [("stats/indicateurs.yaml", 7, "hectares")], found
    assert "question inconnue « surfce »" in found[0].message


def test_condition_that_would_ask_a_hidden_question_is_refused(tmp_path):
    # Without the bati_nombre guard, a bare site (0 building) would show the step « à vérifier »
    # asking about the state of buildings that the questionnaire never asks.
    steps = STEPS.replace(
        """      - toutes ces conditions:
          - question: bati_nombre
            au moins: 1
          - question: etat_bati
            est: ruine
""",
        """      - question: etat_bati
        est: ruine
""",
    )
    questionnaire = QUESTIONNAIRE.replace(
        "sert_a: [questionnaire]",
        "sert_a: [questionnaire]\n        hors_parcours: Décide seulement si l'on parle des bâtiments.",
    )
    errors = check_content(build(tmp_path, questionnaire, steps))
    assert len(errors) == 1, errors
    error = errors[0]
    assert (error.file, error.id) == ("data/etapes/etapes.yaml", "securiser")
    assert error.line == steps.splitlines().index("    une de ces conditions:") + 1  # inside « si: »
    assert "lit « etat_bati », qui n'est pas posée quand bati_nombre = 0" in error.message


def test_usage_lists_steps_contacts_resources_visibility_and_statistics(tmp_path):
    content = load_content(build(tmp_path))
    questionnaire, catalogs = content.questionnaire, content.catalogs
    stats, errors = stats_questions(questionnaire, content.indicators)
    assert errors == []
    usage = question_usage(questionnaire, catalogs, stats)
    assert usage["site_clos"].steps == ["securiser"]
    assert usage["site_clos"].contacts == ["epf"] and usage["site_clos"].resources == ["cartofriches"]
    assert usage["bati_nombre"].visibility == ["etat_bati"] and usage["bati_nombre"].steps == ["securiser"]
    assert usage["surface"].stats == ["hectares"] and not usage["surface"].steps
    assert all(u.useful for u in usage.values())
    report = usage_report(questionnaire, catalogs, stats)
    assert "site_clos — utile" in report and "statistiques : hectares" in report


# --- the shipped content ---------------------------------------------------------------------------

# Questions kept although nothing reads them: each has a « hors_parcours » sentence. Adding one here
# is a content decision to review (wire the question, or say why it is kept).
JUSTIFIED = {
    "site_nom",
    "unite_fonciere_refcad",
    "activite_libelle",
    "activite_fin_annee",
    "sol_pollution_origine",
    "urba_zone_lib",
}


@pytest.fixture(scope="module")
def shipped(content):
    stats, errors = stats_questions(content.questionnaire, content.indicators)
    assert errors == []
    return content.questionnaire, question_usage(content.questionnaire, content.catalogs, stats)


def test_shipped_questions_are_all_used_or_justified(shipped):
    _, usage = shipped
    decorative = sorted(q for q, u in usage.items() if not u.useful and not u.justification)
    assert decorative == []
    assert {q for q, u in usage.items() if not u.useful} == JUSTIFIED


@pytest.mark.parametrize(
    "qid",
    [
        "site_clos",
        "site_securite",
        "proprietaire_vendeur",
        "risques_connus",
        "diagnostic_pollution_realise",
        "diagnostic_amiante_realise",
        "marche_vacance",
        "marche_demande",
        "avancement",
        "bati_vacance",
    ],
)
def test_reported_questions_are_now_read_by_a_step(shipped, qid):
    _, usage = shipped
    assert usage[qid].steps, qid


def test_statistics_declarations_match_what_the_stats_code_reads():
    """The « questions » lists of stats/indicateurs.yaml must name exactly the answers that
    app/stats/indicators.py loads (``Answer.question_id.in_((...))``)."""
    tree = ast.parse((ROOT / "app" / "stats" / "indicators.py").read_text(encoding="utf-8"))
    read: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "in_"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "question_id"
        ):
            read |= {
                c.value
                for c in ast.walk(node.args[0])
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
    assert read, "the stats code no longer reads answers with Answer.question_id.in_(…): update this test"
    declared = {
        q
        for item in yaml.safe_load((ROOT / "stats" / "indicateurs.yaml").read_text(encoding="utf-8"))
        for q in item.get("questions", [])
    }
    assert declared == read
