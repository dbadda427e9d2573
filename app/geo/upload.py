"""Read an uploaded perimeter file (GeoJSON, KML, GeoPackage, zipped Shapefile) into a WGS84
(Multi)Polygon. No Flask import.

Safety: size cap on the upload and on every unzipped member, bounded member count and
compression ratio (zip bombs), no path from the archive is ever used on disk (path
traversal), KML parsed with defusedxml (entity expansion, external entities).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import warnings
import zipfile
from pathlib import Path

import shapely
from shapely.geometry import Polygon

from .errors import GeoError
from .geometry import check_in_france, parse_geojson, reproject_to_wgs84, to_polygonal

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


# --- GeoJSON -------------------------------------------------------------------------------


def _read_geojson(data: bytes, notes):
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise GeoError("Le fichier GeoJSON n'est pas un JSON valide.") from exc
    if not isinstance(obj, dict):
        raise GeoError("Le fichier GeoJSON doit contenir un objet (géométrie, Feature ou FeatureCollection).")
    crs = obj.get("crs")
    name = ((crs.get("properties") or {}).get("name") or "") if isinstance(crs, dict) else ""
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
    for el in root.iter():
        if _KML_NS.sub("", el.tag) != "Polygon":
            continue
        outer, inners = None, []
        for child in el.iter():
            tag = _KML_NS.sub("", child.tag)
            if tag in ("outerBoundaryIs", "innerBoundaryIs"):
                coords = [c for c in child.iter() if _KML_NS.sub("", c.tag) == "coordinates"]
                if coords:
                    ring = _kml_coords(coords[0].text or "")
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


def _kml_coords(text: str) -> list[tuple[float, float]]:
    out = []
    for token in text.split():
        parts = token.split(",")
        try:
            out.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError) as exc:
            raise GeoError("Le fichier KML contient des coordonnées invalides.") from exc
    return out


# --- GeoPackage / Shapefile (GDAL through pyogrio) ------------------------------------------


def _read_gpkg(data: bytes, notes):
    if not data.startswith(b"SQLite format 3\x00"):
        raise GeoError("Le fichier GeoPackage est invalide (ce n'est pas une base SQLite).")
    return _read_with_gdal(data, ".gpkg", notes)


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
    with tempfile.TemporaryDirectory(prefix="perimetre-") as tmp:
        for ext, info in members.items():
            target = Path(tmp) / f"perimetre{ext}"  # never use the archive's own path
            remaining = MAX_UNZIPPED_BYTES
            with archive.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(65536):
                    remaining -= len(chunk)
                    if remaining < 0:
                        raise GeoError("L'archive ZIP décompressée est trop volumineuse.")
                    dst.write(chunk)
        return _read_path(Path(tmp) / "perimetre.shp", notes)


def _read_with_gdal(data: bytes, suffix: str, notes):
    with tempfile.TemporaryDirectory(prefix="perimetre-") as tmp:
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
    geoms = [g for g in shapely.from_wkb(wkbs) if g is not None]
    crs = meta.get("crs")
    if not crs:
        raise GeoError("La projection du fichier est inconnue.")
    geoms = [reproject_to_wgs84(g, crs) for g in geoms]
    for g in geoms:
        if not g.is_empty:
            check_in_france(g)
    if all(g.geom_type not in ("Polygon", "MultiPolygon") for g in geoms):
        raise GeoError("Le fichier ne contient aucun polygone (seulement des points ou des lignes).")
    geom = to_polygonal(geoms, notes)
    check_in_france(geom)
    return geom
