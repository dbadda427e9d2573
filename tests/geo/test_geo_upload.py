"""Uploaded perimeter files: every format, any CRS, and every bad or hostile input."""

import io
import json
import zipfile

import numpy as np
import pyogrio.raw
import pytest
import shapely
from shapely.geometry import box

from app.geo import GeoError, commune_for_geometry, surface_m2
from app.geo.geometry import project
from app.geo.upload import read_perimeter

# About 280 m × 330 m in Loos-en-Gohelle (62528).
SITE = box(2.775, 50.455, 2.779, 50.458)


def write_with_gdal(tmp_path, driver, ext, geom, epsg):
    path = tmp_path / f"site{ext}"
    pyogrio.raw.write(
        path,
        geometry=np.array([shapely.to_wkb(geom)], dtype=object),
        field_data=[],
        fields=[],
        crs=f"EPSG:{epsg}",
        driver=driver,
        geometry_type="Polygon",
    )
    return path


def zip_files(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def shapefile_zip(tmp_path, geom, epsg, **extra):
    write_with_gdal(tmp_path, "ESRI Shapefile", ".shp", geom, epsg)
    files = {
        f"dossier/site{ext}": (tmp_path / f"site{ext}").read_bytes()
        for ext in (".shp", ".shx", ".dbf", ".prj")
    }
    files.update(extra)
    return files


def assert_is_site(geom):
    assert geom.geom_type in ("Polygon", "MultiPolygon")
    assert commune_for_geometry(geom).code == "62528"
    assert surface_m2(geom) == pytest.approx(surface_m2(SITE), rel=0.002)


def test_geojson_wgs84():
    data = json.dumps({"type": "Feature", "geometry": shapely.geometry.mapping(SITE)}).encode()
    assert_is_site(read_perimeter("site.geojson", data))


def test_geojson_with_legacy_crs_member_is_reprojected():
    lambert = project(SITE, 2154)
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
            "features": [
                {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(lambert)}
            ],
        }
    ).encode()
    assert_is_site(read_perimeter("site.json", data))


def test_kml():
    coords = " ".join(f"{x},{y},0" for x, y in SITE.exterior.coords)
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Friche</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Document></kml>""".encode()
    assert_is_site(read_perimeter("site.kml", kml))


@pytest.mark.parametrize("epsg", [4326, 2154, 3857])
def test_geopackage_in_any_crs(tmp_path, epsg):
    geom = SITE if epsg == 4326 else project(SITE, epsg)
    path = write_with_gdal(tmp_path, "GPKG", ".gpkg", geom, epsg)
    assert_is_site(read_perimeter("site.gpkg", path.read_bytes()))


@pytest.mark.parametrize("epsg", [2154, 4326])
def test_zipped_shapefile_in_any_crs(tmp_path, epsg):
    geom = SITE if epsg == 4326 else project(SITE, epsg)
    data = zip_files(shapefile_zip(tmp_path, geom, epsg))
    assert_is_site(read_perimeter("site.zip", data))


def test_format_sniffed_without_extension(tmp_path):
    data = json.dumps(shapely.geometry.mapping(SITE)).encode()
    assert_is_site(read_perimeter("perimetre", data))


def test_overseas_geopackage_in_local_projection(tmp_path):
    reunion = box(55.45, -20.89, 55.452, -20.888)
    path = write_with_gdal(tmp_path, "GPKG", ".gpkg", project(reunion, 2975), 2975)
    geom = read_perimeter("site.gpkg", path.read_bytes())
    assert commune_for_geometry(geom).code == "97411"


# --- bad and hostile inputs ----------------------------------------------------------------


def test_size_cap():
    with pytest.raises(GeoError, match="taille maximale"):
        read_perimeter("site.geojson", b"{" + b" " * 2000 + b"}", max_bytes=1000)


def test_empty_file():
    with pytest.raises(GeoError, match="vide"):
        read_perimeter("site.geojson", b"")


def test_unknown_format():
    with pytest.raises(GeoError, match="Formats acceptés"):
        read_perimeter("site.pdf", b"%PDF-1.4 ...")


def test_lone_shp_asks_for_zip():
    with pytest.raises(GeoError, match="zip"):
        read_perimeter("site.shp", b"\x00\x00\x27\x0a")


def test_kml_billion_laughs_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<kml><Placemark><name>&lol3;</name></Placemark></kml>"""
    with pytest.raises(GeoError, match="sécurité"):
        read_perimeter("site.kml", bomb)


def test_kml_external_entity_is_refused():
    xxe = b"""<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml><Placemark><name>&xxe;</name></Placemark></kml>"""
    with pytest.raises(GeoError, match="sécurité"):
        read_perimeter("site.kml", xxe)


@pytest.mark.parametrize(
    "kml, message",
    [
        (b"<kml><Placemark>", "XML valide"),
        (
            b"<kml><Placemark><Point><coordinates>2.77,50.45</coordinates></Point></Placemark></kml>",
            "aucun polygone",
        ),
        (
            b"<kml><Polygon><outerBoundaryIs><LinearRing><coordinates>a,b 1,2</coordinates></LinearRing>"
            b"</outerBoundaryIs></Polygon></kml>",
            "coordonnées invalides",
        ),
    ],
)
def test_bad_kml(kml, message):
    with pytest.raises(GeoError, match=message):
        read_perimeter("site.kml", kml)


def test_zip_bomb_is_refused():
    data = zip_files({"site.shp": b"\0" * (20 * 1024 * 1024), "site.shx": b"", "site.dbf": b""})
    assert len(data) < 100_000
    with pytest.raises(GeoError, match="compression anormal|trop volumineuse"):
        read_perimeter("site.zip", data)


def test_zip_too_large_once_unzipped():
    rng = np.random.default_rng(0)
    data = zip_files({f"f{i}.dbf": rng.bytes(4 * 1024 * 1024) for i in range(9)}, zipfile.ZIP_STORED)
    with pytest.raises(GeoError, match="trop volumineuse"):
        read_perimeter("site.zip", data, max_bytes=100 * 1024 * 1024)


def test_zip_path_traversal_is_refused(tmp_path):
    files = shapefile_zip(tmp_path, project(SITE, 2154), 2154)
    files["../../evil.shp"] = files.pop("dossier/site.shp")
    with pytest.raises(GeoError, match="chemin de fichier dangereux"):
        read_perimeter("site.zip", zip_files(files))


def test_zip_absolute_path_is_refused(tmp_path):
    files = shapefile_zip(tmp_path, project(SITE, 2154), 2154)
    files["/tmp/evil.shp"] = files.pop("dossier/site.shp")
    with pytest.raises(GeoError, match="dangereux"):
        read_perimeter("site.zip", zip_files(files))


def test_zip_with_too_many_members():
    with pytest.raises(GeoError, match="trop de fichiers"):
        read_perimeter("site.zip", zip_files({f"f{i}.txt": b"x" for i in range(60)}))


@pytest.mark.parametrize(
    "drop, message",
    [(".prj", "projection est inconnue"), (".shx", "incomplet"), (".shp", "ne contient pas de Shapefile")],
)
def test_incomplete_shapefile(tmp_path, drop, message):
    files = shapefile_zip(tmp_path, project(SITE, 2154), 2154)
    del files[f"dossier/site{drop}"]
    with pytest.raises(GeoError, match=message):
        read_perimeter("site.zip", zip_files(files))


def test_corrupt_zip_and_gpkg():
    with pytest.raises(GeoError, match="ZIP est invalide"):
        read_perimeter("site.zip", b"PK\x03\x04garbage")
    with pytest.raises(GeoError, match="GeoPackage est invalide"):
        read_perimeter("site.gpkg", b"not sqlite")
    with pytest.raises(GeoError, match="n'a pas pu être lu"):
        read_perimeter("site.gpkg", b"SQLite format 3\x00" + b"\x00" * 200)


def test_shapefile_outside_france(tmp_path):
    berlin = box(13.40, 52.50, 13.41, 52.51)
    with pytest.raises(GeoError, match="hors de France"):
        read_perimeter("site.zip", zip_files(shapefile_zip(tmp_path, berlin, 4326)))


def test_geopackage_with_wrongly_declared_crs(tmp_path):
    # Lambert-93 coordinates declared as WGS84: not degrees.
    path = write_with_gdal(tmp_path, "GPKG", ".gpkg", project(SITE, 2154), 4326)
    with pytest.raises(GeoError, match="autre projection"):
        read_perimeter("site.gpkg", path.read_bytes())


def test_bad_geojson_file():
    with pytest.raises(GeoError, match="JSON valide"):
        read_perimeter("site.geojson", b"\xff\xfe{")
