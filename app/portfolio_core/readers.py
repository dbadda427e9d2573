"""Read an uploaded inventory into rows of CNIG values. No Flask import.

Formats: CSV (``;``, ``,`` or tab; UTF-8, UTF-16 with BOM, Windows-1252/Latin-1), Excel and
OpenDocument sheets (python-calamine), GeoJSON, GeoPackage and zipped Shapefile (GDAL through
pyogrio, with the ZIP protections of :mod:`app.geo.upload`). Every problem with the file as a
whole raises :class:`FileRejected` with a French message; problems of one row are left to
:mod:`app.portfolio_core.validation`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from app.geo.errors import GeoError

from .cnig import load_schema

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
SHEET_MAX_UNZIPPED = 60 * 1024 * 1024
SHEET_MAX_RATIO = 400  # sheets compress far better than shapefiles; bombs reach thousands
FORMATS = "CSV (.csv), Excel (.xlsx, .xls), OpenDocument (.ods), GeoJSON (.geojson), GeoPackage (.gpkg) ou Shapefile zippé (.zip)"
MOJIBAKE = re.compile("Ã[©¨ª«®¯´¹»¼§¢¤ ‰Š€]|Ã\u00a0|â€[™œ\u009d\u0093\u0094]")


class FileRejected(ValueError):
    """The file cannot be read at all; ``str(err)`` is a French message for the user."""


@dataclass
class Row:
    number: int  # line of the file (CSV, sheet) or position of the object (GeoJSON, GIS file)
    values: dict[str, str]
    geometry: object | None = None  # shapely geometry in WGS84 from a GIS format
    geometry_error: str | None = None
    extra_cells: int = 0


@dataclass
class Table:
    format: str
    columns: list[str]  # CNIG columns found, in file order
    ignored: list[str]  # other columns
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    row_label: str = "ligne"


def read_table(filename: str, data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> Table:
    """Read an uploaded file (format from its extension, then from its content)."""
    if not data:
        raise FileRejected("Le fichier est vide.")
    if len(data) > max_bytes:
        raise FileRejected(
            f"Le fichier dépasse la taille maximale de {max_bytes / (1024 * 1024):.0f} Mo : "
            "découpez l'inventaire en plusieurs fichiers."
        )
    ext = Path(filename or "").suffix.lower()
    if ext in (".csv", ".txt", ".tsv"):
        return read_csv(data, max_rows=max_rows)
    if ext in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_sheet(data, ext, max_rows=max_rows)
    if ext in (".geojson", ".json"):
        return read_geojson(data, max_rows=max_rows)
    if ext == ".gpkg":
        return read_gis(data, ".gpkg", max_rows=max_rows)
    if ext == ".zip":
        return read_gis(data, ".zip", max_rows=max_rows)
    if ext in (".shp", ".dbf", ".shx"):
        raise FileRejected(
            "Un Shapefile se compose de plusieurs fichiers (.shp, .shx, .dbf, .prj) : "
            "déposez-les ensemble dans une archive .zip."
        )
    head = data[:64].lstrip()
    if data.startswith(b"SQLite format 3\x00"):
        return read_gis(data, ".gpkg", max_rows=max_rows)
    if data.startswith(b"PK"):
        raise FileRejected(
            f"Archive non reconnue : nommez le fichier en .xlsx, .ods ou .zip (Shapefile). Formats acceptés : {FORMATS}."
        )
    if head.startswith(b"{"):
        return read_geojson(data, max_rows=max_rows)
    if ext in ("", ".text"):
        return read_csv(data, max_rows=max_rows)
    raise FileRejected(f"Format de fichier non reconnu. Formats acceptés : {FORMATS}.")


# --- text and columns ------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name shown to users). UTF-8 first, then Windows-1252/Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, candidates = data[3:], ["utf-8"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        label = {"utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
        return text, label[encoding]
    raise FileRejected(
        "Le fichier n'est pas un texte CSV lisible (il contient des caractères binaires). "
        "Enregistrez le tableau au format CSV, en UTF-8, ou déposez-le au format Excel."
    )


def _check_mojibake(text: str) -> None:
    found = MOJIBAKE.search(text[:200_000])
    if found:
        raise FileRejected(
            f"Le fichier semble mal encodé : « {found.group(0)} » apparaît à la place d'une lettre "
            "accentuée (par exemple « Ã© » au lieu de « é »). Le fichier a sans doute été converti "
            "deux fois : enregistrez-le à nouveau depuis le tableur, en CSV UTF-8."
        )


def match_columns(header: list[str]) -> tuple[list[str | None], list[str]]:
    """Map each header cell to a CNIG field name (case, spaces and BOM ignored)."""
    names = set(load_schema().names)
    mapped, ignored, seen = [], [], set()
    for cell in header:
        key = str(cell or "").strip().strip("\ufeff").strip('"').lower()
        if key in names and key not in seen:
            mapped.append(key)
            seen.add(key)
        else:
            mapped.append(None)
            if key:
                ignored.append(str(cell).strip())
    return mapped, ignored


def _need_columns(mapped: list[str | None], what: str) -> None:
    if not any(mapped):
        raise FileRejected(
            f"Aucune colonne du standard CNIG « Friches » n'a été reconnue dans {what} "
            "(site_id, site_nom, comm_insee…). Vérifiez que la première ligne contient les noms "
            "des colonnes du standard, sans les traduire."
        )


def cell_text(value) -> str:
    """A cell as CNIG text: integral numbers without decimals, dates in ISO format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows_from_cells(
    cells_iter, mapped: list[str | None], max_rows: int, first_number: int, row_label: str
) -> list[Row]:
    rows: list[Row] = []
    width = len(mapped)
    for offset, cells in enumerate(cells_iter):
        number = first_number + offset
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        if len(rows) >= max_rows:
            raise FileRejected(
                f"Le fichier compte plus de {max_rows:,} {row_label}s de sites".replace(",", " ")
                + " : découpez l'inventaire en plusieurs fichiers (par département par exemple)."
            )
        values = {name: texts[i] if i < len(texts) else "" for i, name in enumerate(mapped) if name}
        extra = sum(1 for t in texts[width:] if t)
        rows.append(Row(number, values, extra_cells=extra))
    return rows


# --- CSV ------------------------------------------------------------------------------------


def read_csv(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    text, encoding = decode_text(data)
    _check_mojibake(text)
    first_line = text.split("\n", 1)[0]
    best, best_found = ",", -1
    for delimiter in (";", ",", "\t"):
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        found = sum(1 for name in match_columns(header)[0] if name)
        if found > best_found:
            best, best_found = delimiter, found
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected("Le fichier est vide.") from None
    mapped, ignored = match_columns(header)
    _need_columns(mapped, "la première ligne du fichier")

    def cells():
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileRejected(f"Le fichier CSV est mal formé ligne {reader.line_num} : {exc}.") from exc

    # csv.reader counts physical lines; rows are numbered as a spreadsheet shows them (header = 1).
    rows = _rows_from_cells(cells(), mapped, max_rows, 2, "ligne")
    notes = []
    if encoding not in ("UTF-8",):
        notes.append(f"Fichier lu avec l'encodage {encoding}.")
    return Table(
        "CSV",
        [m for m in mapped if m],
        ignored,
        rows,
        notes,
        encoding=encoding,
        delimiter={";": "point-virgule", ",": "virgule", "\t": "tabulation"}[best],
    )


# --- Excel / OpenDocument --------------------------------------------------------------------


def read_sheet(data: bytes, ext: str, *, max_rows: int = MAX_ROWS) -> Table:
    from python_calamine import CalamineWorkbook

    if ext != ".xls":  # .xlsx and .ods are ZIP archives: check them as any upload
        from .archives import check_zip

        try:
            check_zip(
                data,
                max_members=500,
                max_unzipped=SHEET_MAX_UNZIPPED,
                max_ratio=SHEET_MAX_RATIO,
                what="Le classeur (une archive ZIP)",
            )
        except GeoError as exc:
            raise FileRejected(str(exc)) from exc
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise FileRejected(
            "Le classeur n'a pas pu être lu (fichier corrompu ou protégé par mot de passe)."
        ) from exc
    for index, name in enumerate(book.sheet_names[:20]):
        try:
            sheet = book.get_sheet_by_index(index)
            rows_iter = sheet.iter_rows()
            header = next(rows_iter, None)
        except Exception as exc:
            raise FileRejected("Le classeur n'a pas pu être lu (feuille illisible).") from exc
        if not header:
            continue
        mapped, ignored = match_columns(header)
        if any(mapped):
            rows = _rows_from_cells(rows_iter, mapped, max_rows, 2, "ligne")
            notes = [f"Feuille lue : « {name} »."] if len(book.sheet_names) > 1 else []
            return Table(
                "Excel" if ext != ".ods" else "OpenDocument", [m for m in mapped if m], ignored, rows, notes
            )
    raise FileRejected(
        "Aucune feuille du classeur ne commence par une ligne de noms de colonnes du standard CNIG "
        "« Friches » (site_id, site_nom, comm_insee…)."
    )


# --- GeoJSON ---------------------------------------------------------------------------------


def read_geojson(data: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    from app.geo import parse_geojson

    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileRejected("Le fichier GeoJSON doit être encodé en UTF-8.") from exc
    except ValueError as exc:
        raise FileRejected("Le fichier GeoJSON n'est pas un JSON valide.") from exc
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        raise FileRejected("Le fichier GeoJSON doit contenir une FeatureCollection (un objet par site).")
    crs = obj.get("crs")
    name = ((crs.get("properties") or {}).get("name") or "") if isinstance(crs, dict) else ""
    if name and "CRS84" not in name and not name.endswith(":4326"):
        return read_gis(data, ".geojson", max_rows=max_rows)
    features = obj.get("features")
    if not isinstance(features, list):
        raise FileRejected("La FeatureCollection GeoJSON n'a pas de liste « features ».")
    if len(features) > max_rows:
        raise FileRejected(
            f"Le fichier compte plus de {max_rows:,} objets".replace(",", " ")
            + " : découpez l'inventaire en plusieurs fichiers (par département par exemple)."
        )
    header: list[str] = []
    for feat in features:
        if isinstance(feat, dict) and isinstance(feat.get("properties"), dict):
            for key in feat["properties"]:
                if key not in header:
                    header.append(key)
    mapped, ignored = match_columns(header)
    _need_columns(mapped, "les propriétés des objets")
    names = dict(zip(header, mapped, strict=True))
    rows = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            continue
        props = feat.get("properties") if isinstance(feat.get("properties"), dict) else {}
        values = {names[k]: cell_text(v) for k, v in props.items() if names.get(k)}
        geom, error = None, None
        if feat.get("geometry"):
            try:
                geom = parse_geojson(feat["geometry"], allow_point=True)
            except GeoError as exc:
                error = str(exc)
        rows.append(Row(i, values, geom, error))
    return Table("GeoJSON", [m for m in mapped if m], ignored, rows, row_label="objet")


# --- GeoPackage, Shapefile, other GeoJSON projections ----------------------------------------


def read_gis(data: bytes, suffix: str, *, max_rows: int = MAX_ROWS) -> Table:
    import pyogrio.raw
    import shapely

    from app.geo.geometry import reproject_to_wgs84

    from .archives import extract_shapefile, optional_check

    if suffix == ".gpkg" and not data.startswith(b"SQLite format 3\x00"):
        raise FileRejected("Le fichier GeoPackage est invalide (ce n'est pas une base SQLite).")
    with tempfile.TemporaryDirectory(prefix="inventaire-") as tmp:
        if suffix == ".zip":
            try:
                path = extract_shapefile(data, Path(tmp), "inventaire")
            except GeoError as exc:
                raise FileRejected(str(exc)) from exc
        else:
            path = Path(tmp) / f"inventaire{suffix}"
            path.write_bytes(data)
        checks = {".zip": "shapefile_vertices", ".gpkg": "check_gpkg_tables"}
        check = optional_check(checks.get(suffix, ""))
        if check is not None:  # available once the perimeter reader has them
            try:
                check(path)
            except GeoError as exc:
                raise FileRejected(str(exc)) from exc
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                meta, _fids, wkbs, field_data = pyogrio.raw.read(path, max_features=max_rows + 1)
        except Exception as exc:
            raise FileRejected("Le fichier n'a pas pu être lu (format invalide ou corrompu).") from exc
    count = len(field_data[0]) if len(field_data) else (len(wkbs) if wkbs is not None else 0)
    if count > max_rows:
        raise FileRejected(
            f"Le fichier compte plus de {max_rows:,} objets".replace(",", " ")
            + " : découpez l'inventaire en plusieurs fichiers (par département par exemple)."
        )
    header = list(meta["fields"])
    mapped, ignored = match_columns(header)
    _need_columns(mapped, "les attributs de la couche")
    crs = meta.get("crs")
    geoms = shapely.from_wkb(wkbs) if wkbs is not None else [None] * count
    rows = []
    for i in range(count):
        values = {name: cell_text(field_data[j][i]) for j, name in enumerate(mapped) if name}
        geom, error = geoms[i], None
        if geom is not None and not geom.is_empty:
            if not crs:
                geom, error = None, "La projection du fichier est inconnue : la géométrie n'a pas été lue."
            else:
                try:
                    geom = reproject_to_wgs84(geom, crs)
                except Exception:
                    geom, error = None, "La géométrie n'a pas pu être reprojetée en WGS84."
        else:
            geom = None
        rows.append(Row(i + 1, values, geom, error))
    label = {".gpkg": "GeoPackage", ".zip": "Shapefile", ".geojson": "GeoJSON"}[suffix]
    return Table(label, [m for m in mapped if m], ignored, rows, row_label="objet")
