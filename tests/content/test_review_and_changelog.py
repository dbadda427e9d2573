"""Editors' tooling: ``flask content review`` (a report at a given day, never a test of
freshness) and the changelog ``data/nouveautes.yaml`` behind the public « Quoi de neuf » page."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import content_cli
from app.engine.changelog import load_changelog
from app.engine.content import check_content
from app.engine.review import age_bucket, review_report
from app.engine.yamlsrc import ContentInvalid

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 12, 1)


def test_review_lists_what_to_recheck_at_a_fixed_day(content):
    report = review_report(content.catalogs, DAY)
    assert "Revue du contenu au 01/12/2026" in report
    assert "Jamais vérifiés" in report and "Doutes ouverts" in report
    assert "dernière date limite connue est passée" in report
    assert "fonds-vert-recyclage-foncier" in report.split("date limite connue est passée")[1]


def test_review_ages_move_with_the_day_not_with_the_checkout(content):
    later = review_report(content.catalogs, date(2028, 1, 1))
    assert "plus d'un an" in later
    assert age_bucket(date(2026, 11, 22), DAY) == "moins de 3 mois"
    assert age_bucket(date(2025, 11, 1), DAY) == "plus d'un an"


def test_review_command(tmp_path):
    result = CliRunner().invoke(content_cli, ["review", "--date", "2026-12-01", "--limite", "3"])
    assert result.exit_code == 0, result.output
    assert "Par ancienneté de la vérification" in result.output


def test_the_shipped_changelog_is_loaded_newest_first(content):
    entries = content.changelog
    assert entries and all(a.day >= b.day for a, b in zip(entries, entries[1:], strict=False))
    assert any("Mayenne-Sarthe" in e.text for e in entries)


def write(tmp_path, text):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "nouveautes.yaml").write_text(text, encoding="utf-8")
    return data


def test_changelog_refuses_a_future_date_a_missing_text_and_an_unknown_id(tmp_path):
    data = write(
        tmp_path,
        "- date: 2099-01-01\n  titre: Plus tard\n  texte: x\n"
        "- date: 2026-01-01\n  titre: Sans texte\n"
        "- date: 2026-01-02\n  titre: T\n  texte: x\n  elements: [inconnu]\n",
    )
    with pytest.raises(ContentInvalid) as exc:
        load_changelog(data, DAY, {"connu"})
    text = str(exc.value)
    assert "« date » est dans le futur" in text and "« texte » manquant" in text and "inconnu" in text


def test_changelog_texts_follow_the_wording_rules(tmp_path):
    root = tmp_path / "contenu"
    shutil.copytree(ROOT / "tests" / "fixtures" / "regles" / "base", root)
    for sub in ("contacts", "ressources"):
        shutil.copytree(ROOT / "tests" / "fixtures" / "content" / sub, root / "data" / sub)
    shutil.copy(ROOT / "tests" / "fixtures" / "content" / "phases.yaml", root / "data" / "phases.yaml")
    write(root, "- date: 2026-11-01\n  titre: Revue\n  texte: Relu dans cette session.\n")
    errors = [str(e) for e in check_content(root, today=DAY)]
    assert any("data/nouveautes.yaml, ligne 3" in e and "« session »" in e for e in errors), errors


def test_quoi_de_neuf_page_is_public_and_linked_from_the_footer(client):
    page = client.get("/quoi-de-neuf")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Quoi de neuf ?" in html and "1 décembre 2026" in html
    assert "EPF local Mayenne-Sarthe" in html or "Mayenne-Sarthe" in html
    assert 'href="/quoi-de-neuf"' in client.get("/").get_data(as_text=True)
