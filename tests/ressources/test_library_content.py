"""The resource library as content: what `flask content check` refuses (file, line, id) and what
the shipped library holds."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree

from app.engine.content import check_content
from app.engine.resources import FAMILIES, LibraryResource, library, load_library

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 2)
PHASES = ["connaitre", "foncier", "diagnostiquer", "projet", "montage", "realiser"]

VALID = """---
id: essai
titre: Une ressource d'essai
description: Elle sert aux tests.
famille: animation
phases: [projet]
public: [elus]
format: fiche
niveau: 1
notice:
  objectifs: Tester.
  contenus: Une page.
  mise_en_oeuvre: La lire.
  duree: Dix minutes.
licence: Licence Ouverte 2.0
source: https://www.cerema.fr/fr/node/4854
---
Un texte.
"""


def write(folder: Path, text: str, name: str = "essai.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def errors_of(tmp_path: Path, text: str) -> list[str]:
    _, errors = load_library(write(tmp_path / "ressources", text), PHASES, DAY, tmp_path)
    return [str(e) for e in errors]


def test_a_valid_resource_loads_with_its_notice(tmp_path):
    resources, errors = load_library(write(tmp_path / "ressources", VALID), PHASES, DAY, tmp_path)
    assert errors == []
    r = resources["essai"]
    assert (r.family, r.phases, r.audiences, r.format, r.level) == (
        "animation",
        ("projet",),
        ("elus",),
        "fiche",
        1,
    )
    assert r.notice.duration == "Dix minutes." and r.url == "https://www.cerema.fr/fr/node/4854"


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("famille: animation", "famille: jeux", 5, "famille inconnue « jeux »"),
        ("phases: [projet]", "phases: [travaux]", 6, "phase inconnue « travaux »"),
        ("public: [elus]", "public: [maires]", 7, "public inconnu « maires »"),
        ("niveau: 1", "niveau: 3", 9, "« niveau » doit valoir 1 ou 2"),
        ("  duree: Dix minutes.\n", "", 11, "champ obligatoire « duree » manquant"),
        (
            "source: https://www.cerema.fr/fr/node/4854",
            "source: http://www.cerema.fr/fr/node/4854",
            16,
            "https://",
        ),
        (
            "source: https://www.cerema.fr/fr/node/4854",
            "source: https://www.cerema.fr/",
            16,
            "page d'accueil",
        ),
        ("Un texte.", "Texte relu dans cette session.", 18, "« session »"),
        (
            "licence: Licence Ouverte 2.0\n",
            "licence: Licence Ouverte 2.0\nverifie_le: 2099-01-01\n",
            16,
            "dans le futur",
        ),
    ],
)
def test_the_check_names_file_line_and_id(tmp_path, old, new, line, fragment):
    errors = errors_of(tmp_path, VALID.replace(old, new))
    assert any(
        e.startswith(f"ressources/essai.md, ligne {line}, « essai »") and fragment in e for e in errors
    ), errors


def test_a_missing_notice_is_refused(tmp_path):
    start, end = VALID.index("notice:"), VALID.index("licence:")
    errors = errors_of(tmp_path, VALID[:start] + VALID[end:])
    assert any("ligne 2, « essai »" in e and "notice manquante" in e for e in errors), errors


def test_a_template_must_exist_and_a_file_needs_its_front_matter(tmp_path):
    text = VALID.replace("source: https://www.cerema.fr/fr/node/4854", "fichier: modeles/absent.odt")
    assert any("fichier introuvable « modeles/absent.odt »" in e for e in errors_of(tmp_path, text))
    assert any("en-tête manquant" in e for e in errors_of(tmp_path / "b", "Pas d'en-tête."))


def test_the_content_check_reports_library_errors_and_the_app_refuses_them(tmp_path):
    """`flask content check` reads the library with the rest of the content."""
    root = tmp_path / "contenu"
    for sub in ("questionnaires", "data", "stats"):
        shutil.copytree(ROOT / sub, root / sub)
    (root / "data" / "ressources" / "modele-retroplanning.md").write_text(
        (ROOT / "data" / "ressources" / "modele-retroplanning.md")
        .read_text(encoding="utf-8")
        .replace("famille: gestion_de_projet", "famille: tableur"),
        encoding="utf-8",
    )
    errors = [str(e) for e in check_content(root, today=DAY)]
    assert any(
        e.startswith("data/ressources/modele-retroplanning.md, ligne 6, « modele-retroplanning »")
        and "famille inconnue « tableur »" in e
        for e in errors
    ), errors


def test_the_shipped_library_is_complete(content):
    resources = library(content.catalogs.resources)
    assert len(resources) >= 25
    assert {r.family for r in resources} == set(FAMILIES)
    assert {r.level for r in resources} == {1, 2}
    templates = [r for r in resources if r.template]
    assert len(templates) >= 5
    for r in resources:
        assert r.notice.objectives and r.notice.contents and r.notice.implementation and r.notice.duration
        assert r.licence and r.sources, r.id
        # verifie_le only for a resource read on its source
        assert r.checked_on is None or r.source, r.id
    # the steps of the path link library resources, templates included
    linked = {rid for s in content.catalogs.steps for rid in s.resources}
    assert {r.id for r in templates} <= linked
    assert all(isinstance(content.catalogs.resources[rid], LibraryResource) for rid in linked)


def test_every_shipped_template_opens(content):
    """Each template is a real OpenDocument file, with text in it."""
    from odf.opendocument import load

    templates = [r for r in library(content.catalogs.resources) if r.template]
    for r in templates:
        path = ROOT / "data" / "ressources" / "modeles" / r.template
        with zipfile.ZipFile(path) as archive:
            assert archive.read("mimetype").decode() == r.template_mimetype
            tree = ElementTree.fromstring(archive.read("content.xml"))
        words = " ".join(t for t in tree.itertext())
        assert len(words) > 200, r.id
        doc = load(str(path))  # odfpy reads it back
        assert doc.mimetype == r.template_mimetype
    assert all(r.template_pdf for r in templates)  # every template also ships as a PDF to print
    for r in templates:
        data = (ROOT / "data" / "ressources" / "modeles" / r.template_pdf).read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:], r.id
