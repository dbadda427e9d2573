"""Item 10 of issue 13: what a beta.gouv service is audited on — /budget (twice a year, amounts
excluding VAT, a clear « à compléter » state, never an invented amount) and the ecodesign
declaration with the service's own measured figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.pages.budget import BudgetError, load_budget
from tests.conftest import ROOT


def test_the_shipped_budget_has_no_amount_and_says_it_is_to_be_completed(client):
    budget = load_budget(ROOT / "data" / "budget.yaml")
    assert all(line.montant_ht is None for year in budget.annees for line in year.lignes)  # nothing invented
    response = client.get("/budget")
    assert response.status_code == 200  # DashLord requires a 2xx
    html = response.get_data(as_text=True)
    assert "à compléter" in html and "hors taxes (HT)" in html and "deux fois par an" in html


def test_a_filled_budget_shows_amounts_and_totals(tmp_path, app, client):
    (tmp_path / "root" / "data").mkdir(parents=True)  # the page reads the file at each request
    (tmp_path / "root" / "data" / "budget.yaml").write_text(
        "mis_a_jour_le: 2027-01-15\nannees:\n  - annee: 2026\n    nature: réalisé\n    postes:\n"
        "      - poste: Équipe\n        montant_ht: 250000\n      - poste: Hébergement\n        montant_ht: 1200\n",
        encoding="utf-8",
    )
    app.config["CONTENT_ROOT"] = str(tmp_path / "root")
    html = client.get("/budget").get_data(as_text=True)
    assert "250 000 €" in html and "251 200 €" in html and "15/01/2027" in html
    assert "ne sont pas encore publiés" not in html


@pytest.mark.parametrize("amount", ["-5", "'beaucoup'", "true"])
def test_an_amount_that_is_not_a_positive_number_is_refused(tmp_path, amount):
    path = Path(tmp_path) / "budget.yaml"
    path.write_text(
        f"annees:\n  - annee: 2026\n    nature: réalisé\n    postes:\n      - poste: Équipe\n        montant_ht: {amount}\n",
        encoding="utf-8",
    )
    with pytest.raises(BudgetError):
        load_budget(path)


def test_the_ecodesign_declaration_shows_measured_figures(client):
    html = client.get("/ecoconception").get_data(as_text=True)
    assert "RGESN" in html and "78 critères" in html
    assert "Parcours du site" in html and " ko" in html  # from stats/ecoconception.yaml
    assert "pas encore été faite" in html  # no conformity rate claimed


def test_both_pages_are_in_the_site_map(client):
    html = client.get("/plan-du-site").get_data(as_text=True)
    assert 'href="/budget"' in html and 'href="/ecoconception"' in html
