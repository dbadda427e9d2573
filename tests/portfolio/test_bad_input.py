"""Bad input: each problem gets a clear French message; nothing is half-imported unless the
user chose to import the valid rows."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.extensions import db
from app.models import Site
from app.portfolio.models import PortfolioImport, PortfolioSite
from app.portfolio_core.readers import FileRejected, read_table
from app.portfolio_core.validation import analyse

from .conftest import EXAMPLE, cnig_csv, upload


def _check(data, filename="inventaire.csv", **kw):
    return analyse(read_table(filename, data.encode("utf-8") if isinstance(data, str) else data, **kw))


def _latest():
    return db.session.query(PortfolioImport).order_by(PortfolioImport.id.desc()).first()


def test_semicolon_latin1_csv_is_read():
    text = cnig_csv(3, delimiter=";")
    result = _check(text.encode("cp1252"))
    assert result.table.delimiter == "point-virgule"
    assert result.table.encoding == "Windows-1252"
    assert result.invalid_count == 0
    assert result.rows[0].record["site_nom"] == "Friche n° 0"


def test_binary_file_and_double_encoding_are_refused():
    with pytest.raises(FileRejected, match="caractères binaires"):
        read_table("inventaire.csv", b"site_id,site_nom\x00\x01\x02\n")
    mojibake = cnig_csv(2).encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    with pytest.raises(FileRejected, match="mal encodé"):
        read_table("inventaire.csv", mojibake)


def test_missing_required_columns_reject_the_whole_file():
    result = _check("site_id;site_nom\nA;Friche\n")
    assert result.file_errors
    assert "comm_insee (code INSEE de la commune)" in result.file_errors[0]
    with pytest.raises(FileRejected, match="Aucune colonne du standard"):
        read_table("inventaire.csv", b"nom,commune\nA,B\n")


def test_row_errors_in_french():
    def spoil(i, r, idx):
        if i == 0:
            r[idx["site_type"]] = "friche bizarre"
        if i == 1:
            r[idx["site_identif_date"]] = "31/12/2020"
        if i == 2:
            r[idx["bati_nombre"]] = "deux"
        if i == 3:
            r[idx["site_nom"]] = ""
        if i == 4:
            r[idx["site_securite"]] = "inconnu|autre"
        if i == 5:
            r[idx["comm_insee"]] = "99999"
            r[idx["geompoint"]] = "POINT(300 100)"
        if i == 6:
            r[idx["site_id"]] = "62528_T-00000"  # same as row 0

    result = _check(cnig_csv(8, mutate=spoil))
    errors = {r.number: r.errors for r in result.rows}
    assert "n'est pas une valeur du standard" in errors[2][0] and "friche industrielle" in errors[2][0]
    assert "AAAA-MM-JJ" in errors[3][0]
    assert "nombre entier" in errors[4][0]
    assert "champ obligatoire site_nom" in errors[5][0]
    assert "une seule valeur" in errors[6][0]
    assert any("99999" in e for e in errors[7])
    assert any("plusieurs fois" in e for e in errors[8])
    assert errors[9] == []
    assert result.invalid_count == 7


def test_invalid_geometries_are_notes_with_the_commune_as_fallback():
    def spoil(i, r, idx):
        r[idx["geomsurf"]] = [
            "POLYGON((0 0, 1 1, 0 1))",  # not closed
            "POLYGON((2.7760 50.4560, 2.7770 50.4570, 2.7770 50.4560, 2.7760 50.4570, 2.7760 50.4560))",  # bow-tie
            "n'importe quoi",
            "",
        ][i]

    result = _check(cnig_csv(4, mutate=spoil, communes=[("62528", "Loos-en-Gohelle", 2.7766, 50.4567)]))
    assert result.invalid_count == 0
    notes = [r.notes for r in result.rows]
    assert any("WKT lisible" in n for n in notes[0])
    assert any("corrigé" in n for n in notes[1])
    assert result.rows[1].location.perimeter is not None
    assert any("WKT lisible" in n for n in notes[2])
    assert notes[3] == [] and result.rows[3].location.point is not None


def test_old_insee_code_is_mapped_with_a_note():
    def old(i, r, idx):
        r[idx["comm_insee"]], r[idx["comm_nom"]] = "12076", "Conques"
        r[idx["geompoint"]] = "POINT(2.3986 44.5997)"

    result = _check(cnig_csv(1, mutate=old))
    row = result.rows[0]
    assert row.valid
    assert row.location.commune_code == "12218"
    assert "ancienne commune" in row.notes[0] and "Conques-en-Rouergue" in row.notes[0]


def test_size_limit(client, app):
    app.config["PORTFOLIO_MAX_BYTES"] = 2000
    response = upload(client, cnig_csv(20))
    assert response.status_code == 422
    assert "taille maximale" in response.get_data(as_text=True)
    assert db.session.query(PortfolioImport).count() == 0


def test_too_many_rows_gets_a_clear_message(client, app):
    # 100,000 short rows (the required columns only)
    header = "site_id,site_nom,site_type,site_identif_date,site_actu_date,comm_nom,comm_insee,urba_zaer,source_nom,geompoint\n"
    line = "{i},F,autre,2020-01-01,2020-01-01,Loos,62528,non,X,\n"
    data = header + "".join(line.format(i=i) for i in range(100_000))
    app.config["PORTFOLIO_MAX_BYTES"] = 20 * 1024 * 1024
    upload(client, data)
    imp = _latest()
    assert imp.status == "refuse"
    assert "plus de 10 000 lignes" in imp.message
    assert db.session.query(Site).count() == 0


def test_zip_bomb_shapefile_and_sheet_are_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("inventaire.shp", b"\0" * 20_000_000)
        z.writestr("inventaire.shx", b"\0")
        z.writestr("inventaire.dbf", b"\0")
        z.writestr("inventaire.prj", b"\0")
    with pytest.raises(FileRejected, match="compression anormal"):
        read_table("inventaire.zip", bomb.getvalue())
    with pytest.raises(FileRejected, match="Le classeur"):
        read_table("inventaire.xlsx", bomb.getvalue())
    traversal = io.BytesIO()
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("../../evil.shp", b"x")
    with pytest.raises(FileRejected, match="dangereux"):
        read_table("inventaire.zip", traversal.getvalue())


def test_nothing_half_imported_unless_valid_rows_chosen(client):
    def spoil(i, r, idx):
        if i % 3 == 0:
            r[idx["site_type"]] = "friche bizarre"

    upload(client, cnig_csv(9, mutate=spoil))
    imp = _latest()
    token = imp.portfolio.token
    assert (imp.valid, imp.invalid) == (6, 3)
    page = client.get(f"/portefeuilles/{token}/imports/{imp.id}").get_data(as_text=True)
    assert "Importer seulement les 6 ligne(s) correcte(s)" in page
    refused = client.post(f"/portefeuilles/{token}/imports/{imp.id}/lancer", data={"mode": "tout"})
    assert refused.status_code == 303
    assert db.session.query(Site).count() == 0
    report = client.get(f"/portefeuilles/{token}/imports/{imp.id}/rapport.csv").get_data(as_text=True)
    assert report.count("friche bizarre") == 3 and report.startswith("\ufeffLigne;site_id")
    client.post(f"/portefeuilles/{token}/imports/{imp.id}/lancer", data={"mode": "valides"})
    db.session.expire_all()
    assert imp.status == "termine"
    assert db.session.query(PortfolioSite).count() == 6


def test_geojson_gpkg_shapefile_and_excel_import(tmp_path):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    frame = pd.read_csv(io.StringIO(cnig_csv(3)), dtype=str, keep_default_na=False)
    points = [Point(2.7766, 50.4567), Point(2.2790, 44.5240), Point(2.7767, 50.4567)]
    gdf = gpd.GeoDataFrame(frame.drop(columns=["geompoint", "geomsurf"]), geometry=points, crs="EPSG:4326")
    gdf.to_crs(2154).to_file(tmp_path / "inv.gpkg", driver="GPKG")
    result = _check((tmp_path / "inv.gpkg").read_bytes(), "inv.gpkg")
    assert result.table.format == "GeoPackage" and result.invalid_count == 0, [r.errors for r in result.rows]
    assert result.rows[0].record["geompoint"].startswith("POINT(2.7766")

    shp = tmp_path / "shp"
    shp.mkdir()
    gdf[["site_id", "site_nom", "geometry"]].to_file(shp / "inv.shp")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.iterdir():
            z.write(part, part.name)
    result = _check(archive.getvalue(), "inv.zip")
    assert result.table.format == "Shapefile"
    assert "comm_insee" in result.file_errors[0]  # a shapefile with too few columns is refused whole

    geojson = json.loads(gdf.to_json())
    result = _check(json.dumps(geojson).encode(), "inv.geojson")
    assert result.table.format == "GeoJSON" and result.invalid_count == 0


def test_excel_sheet(tmp_path):
    """An .xlsx written by hand (no writer library needed): header + one row."""
    sheet = _xlsx(EXAMPLE.read_text(encoding="utf-8").splitlines())
    result = _check(sheet, "inventaire.xlsx")
    assert result.table.format == "Excel"
    assert result.invalid_count == 0, [r.errors for r in result.rows]
    assert result.rows[0].record["site_id"] == "12083_22-12.0017"


def _xlsx(lines: list[str]) -> bytes:
    import csv
    from xml.sax.saxutils import escape

    rows = list(csv.reader(lines))

    def col(i):
        s = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            s = chr(65 + r) + s
        return s

    body = "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{col(i)}{n}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for i, v in enumerate(row)
        )
        + "</row>"
        for n, row in enumerate(rows, start=1)
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Friches" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return out.getvalue()


def test_refused_file_leaves_an_empty_portfolio_that_still_works(client):
    upload(client, "site_id;site_nom\nA;Friche\n")
    imp = _latest()
    assert imp.status == "refuse" and imp.payload is None
    token = imp.portfolio.token
    page = client.get(f"/portefeuilles/{token}/imports/{imp.id}").get_data(as_text=True)
    assert "Rien n'a été importé" in page and "Colonnes obligatoires" in page
    portfolio = client.get(f"/portefeuilles/{token}")
    assert portfolio.status_code == 200
    assert "0 site(s)" in portfolio.get_data(as_text=True)
    assert client.get(f"/portefeuilles/{token}/commencer").status_code == 200
    assert client.get(f"/portefeuilles/{token}/cnig.csv").get_data(as_text=True).count("\n") == 1
    assert client.get("/portefeuilles/jeton-inconnu-0123456789").status_code == 404
