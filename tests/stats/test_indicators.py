"""Every indicator against hand-computed values on the fixed dataset (tests/stats/dataset.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.stats import indicators as ind
from app.stats.indicators import Period, compute_report, load_facts
from tests.stats import dataset
from tests.stats.dataset import TODAY


@pytest.fixture
def facts(app):
    dataset.seed()
    since, until = ind.facts_window(TODAY, 3)
    return load_facts(db.session, since, until)


@pytest.fixture
def report(app):
    dataset.seed()
    return compute_report(db.session, TODAY, 3, budget_eur=12000, territory_info=dataset.territory_info)


def test_empty_database_gives_zeros(app):
    report = compute_report(db.session, TODAY, 12, budget_eur=0)
    v = report.values
    assert v["territoires_engages"]["valeur"] == 0 and v["territoires_engages"]["tendance"] == 0
    assert [n for _, n in report.series["territoires_engages"]] == [0] * 12
    for ident in ("sites_crees", "parcours_calcules", "sites_actifs_mois", "territoires_actifs_mois"):
        assert v[ident]["valeur"] == 0
        assert [n for _, n in report.series[ident]] == [0] * 12
    assert v["sites_revenus"] == {"valeur": 0, "base": 0, "kind": "share"}
    assert v["hectares_etudies"]["valeur"] == 0
    assert v["financements_identifies"]["valeur"] == 0
    assert v["duree_mediane"]["valeur"] is None
    assert v["cout_par_site_actif"]["valeur"] is None
    assert report.areas == {"region": {}, "departement": {}}


def test_calendar_helpers():
    assert ind.week_start(date(2026, 6, 17)) == date(2026, 6, 15)
    assert ind.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert ind.month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    period = Period(TODAY, 3)
    assert period.start == date(2026, 4, 1)
    assert period.month_starts() == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert period.month_end(date(2026, 6, 1)) == TODAY
    assert ind.period_starts(TODAY, "week", 3) == [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]
    assert ind.period_starts(TODAY, "year", 2) == [date(2025, 1, 1), date(2026, 1, 1)]
    assert ind.period_starts(date(2026, 1, 10), "month", 2) == [date(2025, 12, 1), date(2026, 1, 1)]


def test_facts_are_aggregated_per_site_and_day(facts):
    sites = {s.id: s for s in facts.sites.values()}
    a = [i for i, s in sites.items() if s.commune == "11111"][0]
    assert facts.active_days[a] == [date(2026, 6, 1), date(2026, 6, 10)]
    assert facts.done_days[a] == [date(2026, 6, 10)]
    # Loaded from 90 days before the 365-day window: both API calls are there.
    assert facts.since == date(2025, 3, 21)
    assert len(facts.path_days) == 4 and facts.path_days[date(2026, 4, 15)] == 1
    assert sorted(facts.scheme_days) == [(date(2026, 6, 9), ("f2", "f3")), (date(2026, 6, 10), ("f1", "f2"))]
    assert len(facts.votes) == 5
    assert len(facts.sites) == 7


def test_north_star_edge_cases(facts):
    engaged = ind.engaged_sites(facts, TODAY)
    # A and B share EPCI 200000001 (one territory); C counts through its commune (no EPCI);
    # D: one ISO week only; E: no step done; F: no territory; G: outside the 90 days.
    assert set(engaged) == {("epci", "200000001"), ("commune", "22222")}
    assert len(engaged[("epci", "200000001")]) == 2
    assert ind.engaged_territories(facts, TODAY) == 2
    # On May 31, C had a single active week (May 20) → not yet engaged; G (March 10 and 18) was.
    assert set(ind.engaged_sites(facts, date(2026, 5, 31))) == {("epci", "200000005")}
    # The window is 90 days inclusive: on June 7 it starts on March 10 (G's first week), so G
    # still counts; on June 8 it starts on March 11 and G has a single week left.
    assert ("epci", "200000005") in ind.engaged_sites(facts, date(2026, 6, 7))
    assert ("epci", "200000005") not in ind.engaged_sites(facts, date(2026, 6, 8))
    # Before the step is done, nothing counts.
    assert ind.engaged_territories(facts, date(2026, 3, 17)) == 0


def test_north_star_api_series(facts):
    assert ind.north_star_series(facts, TODAY, "month", 3) == [
        (date(2026, 4, 1), 1),
        (date(2026, 5, 1), 1),
        (date(2026, 6, 1), 2),
    ]
    # Week of June 1 (value on Sunday June 7): G and C; then A/B's EPCI and C.
    assert ind.north_star_series(facts, TODAY, "week", 3) == [
        (date(2026, 6, 1), 2),
        (date(2026, 6, 8), 2),
        (date(2026, 6, 15), 2),
    ]
    assert ind.north_star_series(facts, date(2026, 6, 8), "day", 2) == [
        (date(2026, 6, 7), 2),
        (date(2026, 6, 8), 1),
    ]
    assert ind.north_star_series(facts, TODAY, "year", 2) == [(date(2025, 1, 1), 0), (date(2026, 1, 1), 2)]


def test_report_values(report):
    v = report.values
    # North Star: value today, monthly series (end of April, end of May, today), trend vs end of May.
    assert v["territoires_engages"]["valeur"] == 2
    assert v["territoires_engages"]["tendance"] == 1
    assert [n for _, n in report.series["territoires_engages"]] == [1, 1, 2]
    # Utilisé.
    assert v["sites_crees"]["valeur"] == 6  # A-F; G was created in March
    assert [n for _, n in report.series["sites_crees"]] == [0, 2, 4]
    assert v["parcours_calcules"]["valeur"] == 3  # A, B and the API call of April 15
    assert [n for _, n in report.series["parcours_calcules"]] == [1, 0, 2]
    assert [n for _, n in report.series["sites_actifs_mois"]] == [0, 2, 6]
    assert v["sites_actifs_mois"]["valeur"] == 6
    assert [n for _, n in report.series["territoires_actifs_mois"]] == [0, 2, 4]
    assert v["territoires_actifs_mois"]["valeur"] == 4
    assert v["sites_revenus"] == {"valeur": 5, "base": 6, "kind": "share"}  # D: one week only
    # Utile: the latest vote per site and item (B changed its mind).
    assert v["etapes_utiles"] == {"valeur": 1, "base": 3, "kind": "share"}
    assert v["ressources_utiles"] == {"valeur": 1, "base": 1, "kind": "share"}
    # Impact: A 2 ha (perimeter), B 0.5 ha (answer), D 1 ha, E 3 ha; C and F unknown.
    assert v["hectares_etudies"]["valeur"] == pytest.approx(6.5)
    assert (v["hectares_etudies"]["base"], v["hectares_etudies"]["inconnus"]) == (4, 2)
    assert v["hectares_foncier"]["valeur"] == pytest.approx(3.0)  # A + D; F unknown; E only « en cours »
    assert v["hectares_foncier"]["inconnus"] == 1
    assert v["hectares_diagnostiquer"]["valeur"] == pytest.approx(0.5)
    assert v["hectares_realiser"]["valeur"] == 0 and v["hectares_realiser"]["inconnus"] == 1
    assert dict(report.breakdowns["usage"]) == {"habitat": 2, "renaturation": 1, "non renseigné": 3}
    assert dict(report.breakdowns["zonage"]) == {"détendue": 2, "tendue": 2, "inconnu": 2}
    assert v["part_zones_detendues"] == {"valeur": 2, "base": 4, "inconnus": 2, "kind": "share"}
    assert dict(report.breakdowns["taille"]) == {"petite": 3, "autre": 1, "inconnu": 2}
    assert v["part_petites_communes"]["valeur"] == 3 and v["part_petites_communes"]["base"] == 4
    assert v["financements_identifies"]["valeur"] == 3
    # Utilisable: A 30 min, B 60 min, C 1 day, E 20 min → median 45 min.
    assert v["taux_completion"] == {"valeur": 4, "base": 6, "kind": "share"}
    assert v["duree_mediane"]["valeur"] == 45 * 60 and v["duree_mediane"]["base"] == 4
    # Efficient: 12,000 € / 7 sites active over 365 days (G included).
    assert v["cout_par_site_actif"]["base"] == 7
    assert v["cout_par_site_actif"]["valeur"] == pytest.approx(12000 / 7)


def test_areas(report):
    assert report.areas["region"]["76"] == {"sites_actifs": 2, "sites_crees": 2, "territoires_engages": 1}
    assert report.areas["region"]["53"] == {"sites_actifs": 1, "sites_crees": 1, "territoires_engages": 1}
    assert report.areas["departement"]["33"] == {
        "sites_actifs": 1,
        "sites_crees": 1,
        "territoires_engages": 0,
    }
    assert report.areas["departement"]["inconnu"] == {
        "sites_actifs": 1,
        "sites_crees": 1,
        "territoires_engages": 0,
    }
    assert "55" not in report.areas["departement"]  # G: neither active nor created in the period


def test_territory_info_unavailable_counts_as_unknown(app):
    dataset.seed()

    def broken(code):
        raise RuntimeError("geo module missing")

    report = compute_report(db.session, TODAY, 3, territory_info=broken)
    assert dict(report.breakdowns["zonage"]) == {"inconnu": 6}
    assert report.values["part_zones_detendues"]["base"] == 0
    report = compute_report(db.session, TODAY, 3, territory_info=None)
    assert dict(report.breakdowns["taille"]) == {"inconnu": 6}


def test_demo_data_can_be_excluded(app):
    dataset.seed(demo={"A", "B"})
    with_demo = compute_report(db.session, TODAY, 3)
    without = compute_report(db.session, TODAY, 3, include_demo=False)
    assert with_demo.has_demo and not without.has_demo
    assert with_demo.values["territoires_engages"]["valeur"] == 2
    assert without.values["territoires_engages"]["valeur"] == 1  # only C's commune
    assert without.values["sites_crees"]["valeur"] == 4


def test_sweep_matches_the_definition_day_by_day(facts):
    days = [date(2026, 3, 1) + ind.timedelta(days=i) for i in range(140)]
    assert ind.engaged_counts(facts, days) == [ind.engaged_territories(facts, d) for d in days]


def test_sweep_matches_the_definition_on_random_data():
    import random
    from datetime import datetime, timedelta

    rng = random.Random(3)
    start = date(2025, 1, 1)
    facts = ind.StatsData(since=start, until=date(2026, 1, 1))
    for site_id in range(60):
        epci = rng.choice([None, "e1", "e2", "e3", "e4"])
        commune = rng.choice([None, "c1", "c2", "c3"])
        facts.sites[site_id] = ind.SiteRow(
            site_id, datetime(2025, 1, 1), None, commune, epci, None, None, None
        )
        active = sorted({start + timedelta(days=rng.randrange(365)) for _ in range(rng.randint(1, 8))})
        facts.active_days[site_id] = active
        done = sorted(d for d in active if rng.random() < 0.3)
        if done:
            facts.done_days[site_id] = done
    days = [start + timedelta(days=i) for i in range(0, 460, 3)]
    assert ind.engaged_counts(facts, days) == [ind.engaged_territories(facts, d) for d in days]
    assert any(ind.engaged_counts(facts, days))
