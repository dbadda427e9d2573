"""Read an uploaded perimeter file (GeoJSON, KML, GeoPackage, zipped Shapefile) into a WGS84
(Multi)Polygon. No Flask import.

Safety: size cap on the upload and on the unzipped archive (declared and actual sizes),
bounded member count and compression ratio (zip bombs), no path from the archive is ever used
on disk (path traversal), KML parsed with defusedxml (entity expansion, external entities),
vertices counted before any geometry is built (Shapefile record headers, KML and GeoJSON
positions, GeoPackage WKB sizes), GeoPackages read only when they hold plain tables (no view,
no trigger: GDAL would run their SQL). Temporary files live in :mod:`app.geo.workspace`.
:func:`read_perimeter_bounded` runs all of this in a child process under a time and memory
budget (:mod:`app.geo.sandbox`).
"""

from __future__ import annotations

import io
import os
import re
import sqlite3
import struct
import warnings
import zipfile
from pathlib import Path

import shapely
from shapely.geometry import Polygon

from . import workspace
from .errors import GeoError
from .geometry import (
    MAX_VERTICES,
    TOO_MANY_VERTICES,
    check_in_france,
    check_size,
    crs_name,
    loads_json,
    parse_geojson,
    reproject_to_wgs84,
    to_polygonal,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
MAX_COMPRESSION_RATIO = 100
MAX_FEATURES = 10_000
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
FORMATS = "GeoJSON (.geojson, .json), KML (.kml), GeoPackage (.gpkg) ou Shapefile zippé (.zip)"


def read_perimeter(
    filename: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, notes: list[str] | None = None
):
    """Parse an uploaded perimeter file and return a valid WGS84 (Multi)Polygon.

    The format comes from the extension (then from the content). Any CRS declared by the file
    (GeoJSON ``crs`` member, GeoPackage/Shapefile ``.prj``) is reprojected to WGS84. Raises
    :class:`GeoError` with a French message on any problem; repairs are noted in ``notes``.
    """
    if not data:
        raise GeoError("Le fichier est vide.")
    if len(data) > max_bytes:
        raise GeoError(f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.")
    ext = Path(filename or "").suffix.lower()
    if ext in (".geojson", ".json"):
        return _read_geojson(data, notes)
    if ext == ".kml":
        return _read_kml(data, notes)
    if ext == ".gpkg":
        return _read_gpkg(data, notes)
    if ext == ".zip":
        return _read_zipped_shapefile(data, notes)
    if ext in SHAPEFILE_PARTS:
        raise GeoError(
            "Un Shapefile se compose de plusieurs fichiers (.shp, .shx, .dbf, .prj) : "
            "déposez-les ensemble dans une archive .zip."
        )
    # sniff
    head = data[:64].lstrip()
    if head.startswith(b"{"):
        return _read_geojson(data, notes)
    if head.startswith(b"<"):
        return _read_kml(data, notes)
    if data.startswith(b"SQLite format 3\x00"):
        return _read_gpkg(data, notes)
    if data.startswith(b"PK"):
        return _read_zipped_shapefile(data, notes)
    raise GeoError(f"Format de fichier non reconnu. Formats acceptés : {FORMATS}.")


READ_SECONDS = 10.0
READ_TOO_SLOW = (
    "La lecture du fichier a pris trop de temps et a été interrompue. Simplifiez le contour, ou "
    "déposez un GeoJSON ou un KML du seul site."
)


def _read_to_wkb(filename: str, data: bytes, max_bytes: int):
    notes: list[str] = []
    return shapely.to_wkb(read_perimeter(filename, data, max_bytes=max_bytes, notes=notes)), notes


def read_perimeter_bounded(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    notes: list[str] | None = None,
    seconds: float = READ_SECONDS,
):
    """:func:`read_perimeter` in a child process (GDAL and GEOS cannot be interrupted in a
    thread): the same result or GeoError, and a French GeoError past ``seconds`` or when the
    child runs out of memory. Temporary files are removed in every case."""
    from .sandbox import Timeout, run_bounded

    if not data:
        raise GeoError("Le fichier est vide.")
    if len(data) > max_bytes:
        raise GeoError(f"Le fichier dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.")
    try:
        wkb, child_notes = run_bounded(_read_to_wkb, filename, data, max_bytes, seconds=seconds)
    except Timeout as exc:
        raise GeoError(READ_TOO_SLOW) from exc
    if notes is not None:
        notes.extend(child_notes)
    return shapely.from_wkb(wkb)


# --- GeoJSON -------------------------------------------------------------------------------


def _read_geojson(data: bytes, notes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GeoError("Le fichier GeoJSON n'est pas un JSON valide.") from exc
    obj = loads_json(text, "Le fichier GeoJSON n'est pas un JSON valide.")
    if not isinstance(obj, dict):
        raise GeoError("Le fichier GeoJSON doit contenir un objet (géométrie, Feature ou FeatureCollection).")
    name = crs_name(obj)
    if name and not _is_wgs84(name):
        # Old GeoJSON (2008) files may declare another CRS: read with GDAL and reproject.
        return _read_with_gdal(data, ".geojson", notes)
    return parse_geojson(obj, notes=notes)


def _is_wgs84(name: str) -> bool:
    from pyproj import CRS

    try:
        return CRS.from_user_input(name).equals(CRS.from_epsg(4326), ignore_axis_order=True)
    except Exception as exc:
        raise GeoError(f"Projection « {name} » inconnue dans le fichier GeoJSON.") from exc


# --- KML -----------------------------------------------------------------------------------

_KML_NS = re.compile(r"^\{[^}]*\}")


def _read_kml(data: bytes, notes):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise GeoError(
            "Le fichier KML contient des déclarations XML interdites (DTD ou entités) "
            "et a été refusé par sécurité."
        ) from exc
    except Exception as exc:
        raise GeoError("Le fichier KML n'est pas un XML valide.") from exc
    polygons = []
    vertices = [0]
    for el in root.iter():
        if _KML_NS.sub("", el.tag) != "Polygon":
            continue
        outer, inners = None, []
        for child in el.iter():
            tag = _KML_NS.sub("", child.tag)
            if tag in ("outerBoundaryIs", "innerBoundaryIs"):
                coords = [c for c in child.iter() if _KML_NS.sub("", c.tag) == "coordinates"]
                if coords:
                    ring = _kml_coords(coords[0].text or "", vertices)
                    if tag == "outerBoundaryIs":
                        outer = ring
                    else:
                        inners.append(ring)
        if outer is None:
            continue
        try:
            polygons.append(Polygon(outer, inners))
        except Exception as exc:
            raise GeoError(
                "Un polygone du fichier KML est mal formé (au moins 4 positions par contour)."
            ) from exc
        if len(polygons) > MAX_FEATURES:
            raise GeoError("Le fichier KML contient trop de polygones.")
    if not polygons:
        raise GeoError("Le fichier KML ne contient aucun polygone.")
    for p in polygons:
        check_in_france(p)
    geom = to_polygonal(polygons, notes)
    check_in_france(geom)
    return geom


def _kml_coords(text: str, vertices: list[int]) -> list[tuple[float, float]]:
    out = []
    tokens = text.split()
    vertices[0] += len(tokens)
    if vertices[0] > MAX_VERTICES:
        raise GeoError(TOO_MANY_VERTICES)
    for token in tokens:
        parts = token.split(",")
        try:
            out.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError) as exc:
            raise GeoError("Le fichier KML contient des coordonnées invalides.") from exc
    return out


# --- GeoPackage / Shapefile (GDAL through pyogrio) ------------------------------------------


GPKG_REFUSED = (
    "Le fichier GeoPackage contient des vues (du code SQL) : par sécurité, seules les tables "
    "simples sont lues. Exportez la couche du site dans un nouveau GeoPackage."
)
GPKG_MAX_SQL_STEPS = 2_000_000  # SQLite virtual-machine steps for the structure check


def _read_gpkg(data: bytes, notes):
    if not data.startswith(b"SQLite format 3\x00"):
        raise GeoError("Le fichier GeoPackage est invalide (ce n'est pas une base SQLite).")
    with workspace.directory() as tmp:
        path = Path(tmp) / "perimetre.gpkg"
        path.write_bytes(data)
        check_gpkg_tables(path)
        return _read_path(path, notes)


def check_gpkg_tables(path: Path) -> None:
    """Refuse a GeoPackage whose schema holds a view, or whose layers are not plain tables:
    GDAL would execute that SQL when reading (a view over a recursive query never ends).
    Triggers (every GeoPackage has some, for its spatial index) only fire on writes, and the
    file is only ever opened read-only, here and by GDAL. The check itself runs read-only under
    a SQLite progress handler that aborts after a bounded number of steps."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise GeoError("Le fichier GeoPackage n'a pas pu être lu (invalide ou corrompu).") from exc
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        return 1 if steps[0] * 1000 > GPKG_MAX_SQL_STEPS else 0

    conn.set_progress_handler(progress, 1000)
    try:
        kinds = dict(conn.execute("SELECT name, type FROM sqlite_master").fetchall())
        if any(kind == "view" for kind in kinds.values()):
            raise GeoError(GPKG_REFUSED)
        layers = [row[0] for row in conn.execute("SELECT table_name FROM gpkg_contents").fetchall()]
    except sqlite3.Error as exc:
        raise GeoError("Le fichier GeoPackage n'a pas pu être lu (invalide ou corrompu).") from exc
    finally:
        conn.close()
    if any(kinds.get(layer) != "table" for layer in layers):
        raise GeoError(GPKG_REFUSED)


def _read_zipped_shapefile(data: bytes, notes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise GeoError("L'archive ZIP est invalide ou corrompue.") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise GeoError(f"L'archive ZIP contient trop de fichiers (plus de {MAX_ZIP_MEMBERS}).")
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
            raise GeoError("L'archive ZIP contient un chemin de fichier dangereux et a été refusée.")
        if "__MACOSX" in name:
            continue
        total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise GeoError("L'archive ZIP décompressée est trop volumineuse.")
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            raise GeoError("L'archive ZIP a un taux de compression anormal et a été refusée par sécurité.")
        ext = os.path.splitext(name)[1].lower()
        if ext in SHAPEFILE_PARTS:
            members.setdefault(ext, info)
            shp_count = sum(1 for i in infos if i.filename.lower().endswith(".shp"))
            if shp_count > 1:
                raise GeoError("L'archive ZIP contient plusieurs Shapefiles : n'en déposez qu'un.")
    if ".shp" not in members:
        raise GeoError("L'archive ZIP ne contient pas de Shapefile (.shp).")
    for required in (".shx", ".dbf"):
        if required not in members:
            raise GeoError(f"Le Shapefile est incomplet : il manque le fichier {required}.")
    if ".prj" not in members:
        raise GeoError(
            "Le Shapefile n'a pas de fichier .prj : sa projection est inconnue. Ajoutez le .prj à l'archive."
        )
    with workspace.directory() as tmp:
        remaining = MAX_UNZIPPED_BYTES  # actual bytes, all members together (sizes may lie)
        for ext, info in members.items():
            target = Path(tmp) / f"perimetre{ext}"  # never use the archive's own path
            try:
                with archive.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(65536):
                        remaining -= len(chunk)
                        if remaining < 0:
                            raise GeoError("L'archive ZIP décompressée est trop volumineuse.")
                        dst.write(chunk)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
                # bad CRC-32, truncated member, unsupported compression or encryption
                raise GeoError("L'archive ZIP est invalide ou corrompue.") from exc
            except NotImplementedError as exc:
                raise GeoError("L'archive ZIP utilise une compression non prise en charge.") from exc
        shapefile_vertices(Path(tmp) / "perimetre.shp")
        return _read_path(Path(tmp) / "perimetre.shp", notes)


def shapefile_vertices(path: Path) -> int:
    """Count the points of a .shp file from its record headers, before GDAL builds anything;
    GeoError past ``MAX_VERTICES`` or on a malformed file. Format: ESRI Shapefile Technical
    Description (1998) — 100-byte header, then records of an 8-byte big-endian header (number,
    content length in 16-bit words) and a content starting with the little-endian shape type;
    polylines and polygons (3, 5 and their Z/M variants 13, 15, 23, 25) then hold a box,
    NumParts and NumPoints; multipoints (8, 18, 28) a box and NumPoints; points one each."""
    size = path.stat().st_size
    total = 0
    with open(path, "rb") as f:
        if size < 100:
            raise GeoError("Le fichier .shp du Shapefile est invalide ou tronqué.")
        offset = 100
        while offset + 12 <= size:
            f.seek(offset)
            header = f.read(12)
            _number, words = struct.unpack(">ii", header[:8])
            (kind,) = struct.unpack("<i", header[8:12])
            if words < 2:
                raise GeoError("Le fichier .shp du Shapefile est invalide ou tronqué.")
            if kind in (3, 5, 13, 15, 23, 25):
                f.seek(offset + 8 + 4 + 32 + 4)
                (points,) = struct.unpack("<i", f.read(4))
            elif kind in (8, 18, 28):
                f.seek(offset + 8 + 4 + 32)
                (points,) = struct.unpack("<i", f.read(4))
            else:
                points = 0 if kind == 0 else 1
            total += max(points, 0)
            if total > MAX_VERTICES:
                raise GeoError(TOO_MANY_VERTICES)
            offset += 8 + 2 * words
    return total


def _read_with_gdal(data: bytes, suffix: str, notes):
    with workspace.directory() as tmp:
        path = Path(tmp) / f"perimetre{suffix}"
        path.write_bytes(data)
        return _read_path(path, notes)


def _read_path(path: Path, notes):
    import pyogrio.raw

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _fids, wkbs, _fields = pyogrio.raw.read(
                path, read_geometry=True, max_features=MAX_FEATURES + 1, columns=[]
            )
    except Exception as exc:
        raise GeoError("Le fichier n'a pas pu être lu (format invalide ou corrompu).") from exc
    if wkbs is None or len(wkbs) == 0:
        raise GeoError("Le fichier ne contient aucune géométrie.")
    if len(wkbs) > MAX_FEATURES:
        raise GeoError("Le fichier contient trop d'objets géographiques.")
    # A WKB position takes 16 to 32 bytes: refuse a huge one before building the geometries.
    if sum(len(w) for w in wkbs if w is not None) > 24 * MAX_VERTICES + 64 * len(wkbs):
        raise GeoError(TOO_MANY_VERTICES)
    try:
        geoms = [g for g in shapely.from_wkb(wkbs) if g is not None]
    except shapely.errors.GEOSException as exc:
        raise GeoError("Le fichier contient une géométrie illisible.") from exc
    crs = meta.get("crs")
    if not crs:
        raise GeoError("La projection du fichier est inconnue.")
    geoms = [reproject_to_wgs84(g, crs) for g in geoms]
    for g in geoms:
        if not g.is_empty:
            check_in_france(g)
    check_size(geoms)
    if all(g.geom_type not in ("Polygon", "MultiPolygon") for g in geoms):
        raise GeoError("Le fichier ne contient aucun polygone (seulement des points ou des lignes).")
    geom = to_polygonal(geoms, notes)
    check_in_france(geom)
    return geom
