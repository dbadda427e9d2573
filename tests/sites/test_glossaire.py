"""The glossary: content checked like every catalog, a /glossaire page, and the first use of an
acronym on a page linked to its definition."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from markupsafe import Markup

from app.engine.content import check_content
from app.engine.glossary import load_glossary
from tests.conftest import ROOT, make_app

EXPECTED = {"icpe", "casias", "sis", "pemd", "zonage-abc", "epf", "ddt", "ort", "plu", "zan", "epci", "dpu"}


def test_shipped_glossary_covers_the_path_acronyms_with_official_sources(content):
    ids = {t.id for t in content.glossary}
    assert EXPECTED <= ids
    assert len(content.glossary) >= 20
    for term in content.glossary:
        assert term.source_url.startswith("https://"), term.id
        assert term.definition and term.name


@pytest.fixture
def draft(tmp_path):
    for sub in ("questionnaires", "data", "stats"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    return tmp_path


def test_content_check_names_file_line_and_id_of_a_bad_term(draft):
    path = draft / "data" / "glossaire.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n- id: bad\n  sigle: BAD\n  terme: Mauvais\n  definition: Rédigé à partir de connaissances générales.\n"
        "  source:\n    titre: Accueil\n    url: http://example.org/\n"
        "- id: icpe\n  sigle: ICPE2\n  terme: Doublon\n  definition: Doublon.\n"
        "  source:\n    titre: Page\n    url: https://example.org/page\n",
        encoding="utf-8",
    )
    errors = check_content(draft, today=date(2026, 12, 2))
    mine = [e for e in errors if e.file == "data/glossaire.yaml"]
    messages = " | ".join(str(e) for e in mine)
    assert any(e.id == "bad" and e.line > 1 for e in mine), messages
    assert "connaissances générales" in messages
    assert "https://" in messages
    assert any(e.id == "icpe" and "double" in e.message for e in mine), messages


def test_future_verification_date_and_missing_field_are_refused(tmp_path):
    path = tmp_path / "glossaire.yaml"
    path.write_text(
        "- id: x\n  sigle: X\n  terme: X\n  source:\n    titre: T\n    url: https://example.org/p\n"
        "  verifie_le: 2030-01-01\n",
        encoding="utf-8",
    )
    from app.engine.yamlsrc import ContentInvalid

    with pytest.raises(ContentInvalid) as exc:
        load_glossary(path, "data/glossaire.yaml", today=date(2026, 12, 2))
    text = str(exc.value)
    assert "definition" in text and "futur" in text and "ligne 1" in text


def test_first_use_only_is_linked_and_text_is_escaped(content):
    seen: set[str] = set()
    first = content.glossary.annotate("La DDTM instruit ; la DDTM répond. <script>", seen)
    assert first.count('href="/glossaire#ddt"') == 1
    assert '<abbr title="Direction départementale des territoires' in first
    assert "&lt;script&gt;" in first
    again = content.glossary.annotate("Écrire à la DDTM et à l'EPF.", seen)
    assert "#ddt" not in again and 'href="/glossaire#epf"' in again


def test_markup_is_annotated_in_its_text_only(content):
    html = Markup('<a href="/x">ICPE</a> <span title="ICPE">une ICPE</span>')
    out = content.glossary.annotate(html, set())
    assert '<a href="/x">ICPE</a>' in out
    assert 'title="ICPE"' in out  # attribute untouched
    assert out.count("#icpe") == 1 and "une <a" in out


def test_longest_form_wins(content):
    out = content.glossary.annotate("PLUi et DDT(M)", set())
    assert ">PLUi</abbr>" in out and ">DDT(M)</abbr>" in out


def test_glossary_page_lists_terms_with_anchors_and_sources(client):
    response = client.get("/glossaire")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="icpe"' in html and "Installation classée pour la protection de l&#39;environnement" in html
    assert "https://www.ecologie.gouv.fr/politiques-publiques/zonage-b-c" in html
    assert "redaction" not in html and "miroir" not in html  # editors' notes never shown


def test_glossary_is_in_the_footer_and_the_site_map(client):
    assert 'href="/glossaire"' in client.get("/").get_data(as_text=True)
    assert 'href="/glossaire"' in client.get("/plan-du-site").get_data(as_text=True)


def test_filter_links_once_per_response(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string("{{ 'ICPE' | glossaire }} {{ 'ICPE et EPF' | glossaire }}")
    assert html.count("#icpe") == 1 and html.count("#epf") == 1


def test_my_pages_have_a_breadcrumb(client):
    for url in ("/glossaire", "/plan-du-site", "/sites"):
        html = client.get(url).get_data(as_text=True)
        assert 'class="fr-breadcrumb' in html and 'aria-current="page"' in html, url


def test_flask_content_check_reports_the_glossary_error_and_fails(draft):
    from click.testing import CliRunner

    from app.cli import content_cli

    path = draft / "data" / "glossaire.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  sigle: CASIAS\n", "  sigle: CASIAS\n  couleur: rouge\n"
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  couleur: rouge")  # the item starts on the line above « sigle »
    result = CliRunner().invoke(content_cli, ["check", str(draft)])
    assert result.exit_code != 0
    assert f"data/glossaire.yaml, ligne {line - 1}, « casias » : champ inconnu « couleur »" in result.output


def test_the_app_refuses_to_start_on_a_broken_glossary(draft):
    from app.content import BrokenContent

    path = draft / "data" / "glossaire.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("- id: icpe\n", "- id: ICPE!\n"), encoding="utf-8"
    )
    with pytest.raises(BrokenContent, match="glossaire.yaml"):
        make_app(f"sqlite:///{draft / 'app.sqlite'}", CONTENT_ROOT=str(draft))
