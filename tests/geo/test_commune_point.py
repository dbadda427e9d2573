"""A point inside a commune, where the maps place what is known by its commune only."""

from app.geo import commune_at, commune_point


def test_the_point_lies_in_its_commune_and_is_computed_once(territories):
    for code in ("62528", "69123", "2A004", "97411", "75056"):
        lon, lat = commune_point(code)
        assert commune_at(lon, lat).code == code
        assert (round(lon, 5), round(lat, 5)) == (lon, lat)
    hits = commune_point.cache_info().hits
    commune_point("62528")
    assert commune_point.cache_info().hits == hits + 1


def test_an_unknown_commune_has_no_point(territories):
    assert commune_point("00000") is None
    assert commune_point(None) is None
    assert commune_point(" 62528 ") == commune_point("62528")
