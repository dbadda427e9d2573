"""The page, the downloads and the API publish the same figures; privacy and small counts."""

from __future__ import annotations

import csv
import io
import re

import pytest

from app.models import Event, Site
from app.stats.present import published
from tests.stats import dataset


def figures_on_page(html: str) -> dict[str, str]:
    return {k: v.replace("&lt;", "<") for k, v in re.findall(r'data-indicateur="(\w+)">([^<]*)<', html)}


@pytest.fixture
def seeded(app):
    app.config["ANNUAL_BUDGET_EUR"] = 12000
    return dataset.seed()


def test_empty_database_shows_zeros(client):
    response = client.get("/stats")
    assert response.status_code == 200
    figures = figures_on_page(response.get_data(as_text=True))
    for ident in (
        "territoires_engages",
        "sites_crees",
        "parcours_calcules",
        "sites_actifs_mois",
        "territoires_actifs_mois",
        "financements_identifies",
    ):
        assert figures[ident] == "0", ident
    assert figures["sites_revenus"] == "—"  # a share of nothing is not computable
    assert figures["hectares_etudies"] == "0,0\u202fha"
    assert figures["cout_par_site_actif"] == "non renseigné"
    api = client.get("/api/stats").get_json()
    assert [p["value"] for p in api["stats"]] == [0] * 24  # no since: the dashboard's 24 months


def test_seeded_page_figures(client, seeded):
    html = client.get("/stats?periode=3").get_data(as_text=True)
    figures = figures_on_page(html)
    assert figures == {
        # the North Star counts collectivités nationwide: published exactly (present.UNMASKED)
        "territoires_engages": "2",
        "territoires_engages_tendance": "+1",
        "sites_crees": "6",
        "parcours_calcules": "moins de 5 calculs",
        "sites_actifs_mois": "6",
        "territoires_actifs_mois": "moins de 5 territoires",
        "sites_revenus": "83,3\u202f%",
        "etapes_utiles": "part non publiée (moins de 5 avis)",
        "ressources_utiles": "part non publiée (moins de 5 avis)",
        "hectares_etudies": "surface non publiée (moins de 5 sites)",
        "hectares_foncier": "surface non publiée (moins de 5 sites)",
        "hectares_diagnostiquer": "surface non publiée (moins de 5 sites)",
        "hectares_realiser": "0,0\u202fha",  # no site with a known surface
        "part_zones_detendues": "part non publiée (moins de 5 sites)",
        "part_petites_communes": "part non publiée (moins de 5 sites)",
        "financements_identifies": "3",  # schemes, not people: never suppressed
        "taux_completion": "66,7\u202f%",
        "duree_mediane": "durée non publiée (moins de 5 sites)",
        "cout_par_site_actif": "1\u202f714\u202f€",
    }
    assert "du 01/04/2026 au 17/06/2026" in html
    assert html.count("Mis à jour le") >= 19
    # Charts: accessible SVG and a table for each series with a bar to draw; the three series
    # whose months are all 0 or « < 5 » say so in a sentence instead (their table stays).
    assert html.count('role="img"') == 2
    assert html.count("<title id=") == 2 and html.count("<desc id=") == 2
    assert html.count("Pas encore assez de données pour ce graphique.") == 3
    assert 'aria-labelledby="graphique-territoires-engages-titre graphique-territoires-engages-desc"' in html
    assert "<caption>Territoires engagés à la fin de chaque mois (tableau)</caption>" in html


def test_downloads_and_api_agree_with_the_page(client, seeded):
    html = client.get("/stats?periode=3").get_data(as_text=True)
    figures = figures_on_page(html)
    body = client.get("/stats/donnees.json?periode=3").get_json()
    headline = {r["indicateur"]: r for r in body["valeurs"] if not r["serie"] and not r["dimension"]}
    from app.stats.present import figure_text

    for ident, row in headline.items():
        assert figure_text(ident, row["valeur"], row["unite"]) == figures[ident], ident
    text = client.get("/stats/donnees.csv?periode=3").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(body["valeurs"])
    for csv_row, json_row in zip(rows, body["valeurs"], strict=True):
        assert csv_row["indicateur"] == json_row["indicateur"]
        assert csv_row["valeur"] == ("" if json_row["valeur"] is None else str(json_row["valeur"]))
    series = [
        (r["date"], r["valeur"]) for r in body["valeurs"] if r["indicateur"] == "sites_crees" and r["serie"]
    ]
    assert series == [("2026-04-01", 0), ("2026-05-01", "< 5"), ("2026-06-01", "< 5")]
    ns = [r["valeur"] for r in body["valeurs"] if r["indicateur"] == "territoires_engages" and r["serie"]]
    api = client.get("/api/stats?periodicity=month&since=3").get_json()
    assert [p["date"] for p in api["stats"]] == ["2026-04-01", "2026-05-01", "2026-06-01"]
    assert [p["value"] for p in api["stats"]] == [1, 1, 2]  # always numbers for the dashboard
    assert ns == [p["value"] for p in api["stats"]]
    assert body["periode"] == {"debut": "2026-04-01", "fin": "2026-06-17", "mois": 3}
    assert {d["id"] for d in body["indicateurs"]} >= set(headline)


def test_small_counts_are_suppressed_everywhere(client, seeded):
    text = client.get("/stats/donnees.csv?periode=3").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert "< 5" in [r["valeur"] for r in rows]
    for r in rows:
        if r["unite"] in ("%", "ha", "€", "minutes", "dispositifs"):
            continue  # shares, surfaces, money, durations and catalog counts are not head counts
        if r["indicateur"] == "territoires_engages":
            continue  # the North Star, a national count of collectivités, is published exactly
        assert r["valeur"] not in {"1", "2", "3", "4"}, r
    html = client.get("/stats?periode=3").get_data(as_text=True)
    # Région 76 has 2 sites: the table shows « < 5 », never the count.
    row = re.search(r"<tr><th scope=\"row\">[^<]*\(76\)</th>(.*?)</tr>", html)
    assert (
        row
        and "<td>moins de 5 sites</td><td>moins de 5 sites</td><td>moins de 5 territoires</td>"
        in row.group(1)
    )


def test_trend_is_hidden_around_small_counts():
    from app.stats.present import trend

    assert trend({"valeur": 2, "tendance": 1}) == "secret statistique"
    assert trend({"valeur": 9, "tendance": 6}) == "secret statistique"  # previous month: 3
    assert trend({"valeur": 9, "tendance": 4}) == 4
    assert trend({"valeur": 0, "tendance": -7}) == -7


def test_published_rules():
    assert published({"kind": "count", "valeur": 0}) == 0
    assert published({"kind": "count", "valeur": 4}) == "< 5"
    assert published({"kind": "count", "valeur": 5}) == 5
    assert published({"kind": "share", "valeur": 3, "base": 4}) == "< 5"
    assert published({"kind": "share", "valeur": 2, "base": 8}) == 25.0
    assert published({"kind": "share", "valeur": 0, "base": 0}) is None
    assert published({"kind": "hectares", "valeur": 12.345, "base": 6}) == 12.3
    assert published({"kind": "duration", "valeur": 2700, "base": 5}) == 45.0
    assert published({"kind": "euros", "valeur": None, "base": 9, "budget": 0}) == "non renseigné"
    assert published({"kind": "euros", "valeur": 1000.4, "base": 9, "budget": 9004}) == 1000
    assert published({"kind": "number", "valeur": 3}) == 3


def test_no_token_note_or_free_text_in_outputs(client, seeded):
    tokens = [s.token for s in Site.query.all()]
    outputs = [
        client.get("/stats?periode=3").get_data(as_text=True),
        client.get("/stats?periode=24").get_data(as_text=True),
        client.get("/stats/donnees.csv?periode=24").get_data(as_text=True),
        client.get("/stats/donnees.json?periode=24").get_data(as_text=True),
        client.get("/api/stats?periodicity=day&since=366").get_data(as_text=True),
    ]
    for out in outputs:
        for token in tokens:
            assert token not in out
        assert "cousin" not in out and "Note privée" not in out
        assert "Site A" not in out  # site names are free text
        assert "/sites/" not in out


def test_api_contract_and_errors(client, seeded):
    response = client.get("/api/stats?periodicity=week&since=3")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) == {"description", "stats"} and "Territoires engagés" in body["description"]
    assert all(isinstance(p["value"], int) for p in body["stats"])  # never null
    assert [p["date"] for p in body["stats"]] == ["2026-06-01", "2026-06-08", "2026-06-15"]
    assert len(client.get("/api/stats?periodicity=day&since=30").get_json()["stats"]) == 30
    year = client.get("/api/stats?periodicity=year&since=2").get_json()["stats"]
    assert year == [{"date": "2025-01-01", "value": 0}, {"date": "2026-01-01", "value": 2}]
    for query, status, field in [
        ("periodicity=hour", 422, "periodicity"),
        ("since=abc", 400, "since"),
        ("since=0", 422, "since"),
        ("periodicity=day&since=367", 422, "since"),
        ("since=-3", 422, "since"),
        ("since=1e9", 400, "since"),
    ]:
        response = client.get(f"/api/stats?{query}")
        assert response.status_code == status, query
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert field in response.get_json()["erreurs"]
        assert "doit" in response.get_json()["message"]


def test_period_selector_is_a_get_form(client):
    html = client.get("/stats?periode=6").get_data(as_text=True)
    assert '<form class="stats-period fr-mb-4w" method="get"' in html
    assert '<option value="6" selected>' in html
    html = client.get("/stats?periode=abc").get_data(as_text=True)  # unknown → 12 months, no error
    assert '<option value="12" selected>' in html
    assert client.get("/stats?periode=7").status_code == 200


def test_figures_are_cached_for_a_short_time(client, seeded, app):
    from app.extensions import db
    from tests.stats.dataset import at

    first = figures_on_page(client.get("/stats?periode=3").get_data(as_text=True))["sites_crees"]
    db.session.add(Site(nom="Nouveau", created_at=at("2026-06-16 10:00")))
    db.session.commit()
    assert figures_on_page(client.get("/stats?periode=3").get_data(as_text=True))["sites_crees"] == first
    from app.stats.routes import CACHE

    CACHE.clear()
    assert figures_on_page(client.get("/stats?periode=3").get_data(as_text=True))["sites_crees"] == "7"


def test_indicator_definitions_cover_every_figure(app, content):
    from app.extensions import db
    from app.stats.indicators import compute_report
    from app.stats.present import AXES, SERIES

    defs = content.indicators
    report = compute_report(db.session, dataset.TODAY, 3)
    assert set(report.values) <= set(defs)
    assert set(SERIES) <= set(defs)
    assert {d.axe for d in defs.values()} == set(AXES)
    for d in defs.values():
        assert d.definition and d.methode and d.nom


def test_navigation_links_to_stats(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/stats"' in html


def test_events_of_a_seeded_db_only_carry_codes(seeded):
    # The event table itself holds no free text (guard for the dataset used above).
    for event in Event.query.all():
        assert set((event.data or {}).keys()) <= {
            "financements",
            "nb_etapes",
            "etape",
            "phase",
            "statut",
            "type",
            "id",
            "utile",
            "questions",
        }


def test_cache_serves_stale_values_while_refreshing_once():
    import time

    from app.cache import TTLCache

    cache = TTLCache()
    jobs = []
    calls = iter(range(100))
    compute = lambda: next(calls)  # noqa: E731
    assert cache.get_or_compute("k", 0.01, compute, jobs.append) == 0  # first: computed in the request
    time.sleep(0.02)
    assert cache.get_or_compute("k", 0.01, compute, jobs.append) == 0  # expired: stale value served
    assert cache.get_or_compute("k", 0.01, compute, jobs.append) == 0
    assert len(jobs) == 1  # one refresh only
    jobs[0]()
    assert cache.get_or_compute("k", 10, compute, jobs.append) == 1
    cache.clear()
    assert cache.get_or_compute("k", 0.001, compute, jobs.append) == 2
    time.sleep(0.02)
    assert cache.get_or_compute("k", 0.001, compute, jobs.append) == 3  # older than 10 TTL: computed now
    assert len(jobs) == 1


def test_empty_charts_and_tables_are_a_sentence(client):
    html = client.get("/stats").get_data(as_text=True)
    assert 'role="img"' not in html  # every series is 0: no empty chart drawn
    # Five charts and three breakdown tables, each replaced by the same sentence.
    assert html.count("Pas encore assez de données pour ce graphique.") == 8
    assert "<caption>Sites créés par mois (tableau)</caption>" not in html


def test_uses_are_named_in_french_never_by_their_cnig_value(client, seeded):
    html = client.get("/stats?periode=3").get_data(as_text=True)
    table = re.search(r'<table id="tableau-usages">(.*?)</table>', html, re.S).group(1)
    labels = re.findall(r'<th scope="row">([^<]*)</th>', table)
    assert labels and "Logements" in labels
    assert not {"habitat", "mixte", "renaturation", "site_reconv_type"} & set(labels)
    assert "site_reconv_type" not in html


def test_download_links_say_what_and_how_heavy(client, seeded):
    html = client.get("/stats?periode=3").get_data(as_text=True)
    csv_size = len(client.get("/stats/donnees.csv?periode=3").data)
    json_size = len(client.get("/stats/donnees.json?periode=3").data)
    assert f"Télécharger les chiffres (CSV, {max(1, round(csv_size / 1000))}\u00a0Ko)" in html
    assert f"Télécharger les chiffres (JSON, {max(1, round(json_size / 1000))}\u00a0Ko)" in html
