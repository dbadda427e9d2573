"""Offline commune lookups on the embedded dataset."""

import numpy as np
import pytest
from shapely.geometry import box

from app.geo import (
    commune_at,
    communes_at,
    communes_for_polygon,
    get_commune,
    search_communes,
    territory_block,
    territory_facts,
    territory_warnings,
)

FACT_KEYS = {
    "commune",
    "epci",
    "departement",
    "region",
    "population",
    "zonage_abc",
    "zone_detendue",
    "outre_mer",
    "ile_de_france",
    "corse",
}


def test_dataset_is_complete(territories):
    assert len(territories.communes) > 34_000
    assert len(territories.departements) == 101
    assert len(territories.regions) == 18
    assert len(territories.epci) > 1_200


@pytest.mark.parametrize(
    "lon, lat, code, nom, departement, region",
    [
        (2.3488, 48.8534, "75056", "Paris", "75", "11"),  # Notre-Dame
        (8.7369, 41.9192, "2A004", "Ajaccio", "2A", "94"),  # Corse
        (9.4509, 42.6977, "2B033", "Bastia", "2B", "94"),
        (-61.7317, 15.9985, "97105", "Basse-Terre", "971", "01"),  # Guadeloupe
        (-61.0588, 14.6161, "97209", "Fort-de-France", "972", "02"),  # Martinique
        (-52.3260, 4.9372, "97302", "Cayenne", "973", "03"),  # Guyane
        (55.4504, -20.8821, "97411", "Saint-Denis", "974", "04"),  # La Réunion
        (45.2279, -12.7806, "97611", "Mamoudzou", "976", "06"),  # Mayotte
        (2.7766, 50.4567, "62528", "Loos-en-Gohelle", "62", "32"),
    ],
)
def test_point_resolves_to_commune(territories, lon, lat, code, nom, departement, region):
    commune = commune_at(lon, lat)
    assert commune is not None
    assert (commune.code, commune.nom, commune.departement, commune.region) == (
        code,
        nom,
        departement,
        region,
    )


def test_point_at_sea_or_abroad_has_no_commune(territories):
    assert commune_at(-3.0, 46.0) is None  # Atlantic
    assert commune_at(13.4, 52.5) is None  # Berlin


def test_batched_lookup_matches_single(territories):
    lons = [2.3488, 8.7369, 55.4504, -3.0]
    lats = [48.8534, 41.9192, -20.8821, 46.0]
    assert list(communes_at(lons, lats)) == ["75056", "2A004", "97411", None]
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(-1, 6, 200), rng.uniform(44, 49, 200)
    codes = communes_at(lons, lats)
    for lon, lat, code in zip(lons, lats, codes, strict=True):
        single = commune_at(lon, lat)
        if code is not None:
            assert single is not None and single.code == code


def test_get_commune_by_code(territories):
    c = get_commune("62528")
    assert c.nom == "Loos-en-Gohelle" and c.population == 6751 and c.zonage_abc == "B2"
    assert get_commune("2a004").nom == "Ajaccio"
    assert get_commune("00000") is None
    assert get_commune(None) is None


def test_commune_names_keep_their_article(territories):
    assert get_commune("76351").nom == "Le Havre"
    assert get_commune("01001").nom == "L'Abergement-Clémenciat"


@pytest.mark.parametrize(
    "q, first",
    [
        ("Loos-en-Gohelle", "62528"),
        ("loos en gohelle", "62528"),
        ("LOOS EN GO", "62528"),
        ("evry", "89162"),  # Évry (Yonne): exact name first, accents ignored
        ("evry cour", "91228"),  # Évry-Courcouronnes
        ("st etienne", "42218"),  # abbreviation, largest population first
        ("Saint-Étienne", "42218"),
        ("62750", "62528"),  # postal code
        ("75011", "75056"),  # Paris arrondissement postal code
        ("2A004", "2A004"),  # INSEE code
    ],
)
def test_search_communes(territories, q, first):
    results = search_communes(q, 10)
    assert results, q
    assert results[0].code == first


def test_postal_code_ranks_before_same_insee_code(territories):
    codes = [c.code for c in search_communes("62750", 10)]
    assert codes[0] == "62528"  # postal code 62750 is Loos-en-Gohelle
    assert "62750" in codes  # INSEE code 62750 is Saint-Hilaire-Cottes


def test_search_ranking_and_limit(territories):
    results = search_communes("saint", 5)
    assert len(results) == 5
    names = [c.nom for c in search_communes("Paris", 3)]
    assert names[0] == "Paris"
    assert search_communes("", 10) == []
    assert search_communes("zzzzqqq", 10) == []


def test_search_finds_former_commune_name(territories):
    # Neuville-sur-Escaut merged? Use a delegated commune of Orée d'Anjou (49126)
    results = search_communes("Liré", 5)
    assert any(c.code == "49126" for c in results)


def test_polygon_over_several_communes(territories):
    # A box across the Paris / Boulogne-Billancourt boundary, mostly in Boulogne.
    geom = box(2.2400, 48.8350, 2.2560, 48.8440)
    result = communes_for_polygon(geom)
    codes = [s.commune.code for s in result.communes]
    assert result.main.code == codes[0]
    assert "75056" in codes and "92012" in codes
    assert abs(sum(s.part for s in result.communes) - 1) < 0.01
    assert result.communes[0].part >= result.communes[-1].part


def test_territory_block_matches_contract(territories):
    block = territory_block("62528")
    assert block["commune"] == {"code": "62528", "nom": "Loos-en-Gohelle", "population": 6751}
    assert block["departement"] == {"code": "62", "nom": "Pas-de-Calais"}
    assert block["region"] == {"code": "32", "nom": "Hauts-de-France"}
    assert set(block["epci"]) == {"code", "nom"} and block["epci"]["nom"]
    assert block["zonage_abc"] == "B2"
    assert territory_block("99999") is None


@pytest.mark.parametrize(
    "code, expected",
    [
        (
            "75056",
            {
                "zonage_abc": "Abis",
                "zone_detendue": False,
                "ile_de_france": True,
                "corse": False,
                "outre_mer": False,
            },
        ),
        ("2A004", {"corse": True, "outre_mer": False, "ile_de_france": False}),
        ("62528", {"zonage_abc": "B2", "zone_detendue": True}),
        ("97611", {"outre_mer": True, "population": None, "departement": "976", "region": "06"}),
        ("97105", {"outre_mer": True, "region": "01"}),
    ],
)
def test_territory_facts(territories, code, expected):
    facts = territory_facts(code)
    assert set(facts) == FACT_KEYS
    for key, value in expected.items():
        assert facts[key] == value, key


def test_unknown_zonage_is_unknown_not_false(territories):
    facts = territory_facts("15031")  # restored in 2025, not in the July 2024 zoning
    assert facts["zonage_abc"] is None and facts["zone_detendue"] is None
    assert any("n'est pas connu" in w for w in territory_warnings("15031"))


def test_zonage_warning_mentions_2025_revision(territories):
    assert any("5 septembre 2025" in w for w in territory_warnings("62528"))
