"""ZIP archives of an inventory (zipped Shapefile, Excel and OpenDocument sheets), opened
with the protections of :mod:`app.geo.upload` (same limits, same French messages): bounded
member count, declared and actual unzipped sizes, compression ratio (zip bombs), no path
from the archive ever used on disk (path traversal). No Flask import.

The perimeter reader keeps these checks inline; they are mirrored here, on its constants,
rather than refactored out of it, so that both can evolve without touching each other. When
that module offers more checks (``shapefile_vertices``, ``check_gpkg_tables``), the readers
use them: see :func:`optional_check`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from app.geo import upload
from app.geo.errors import GeoError


def optional_check(name: str):
    """A checker of :mod:`app.geo.upload` if this version has it, else None."""
    return getattr(upload, name, None)


def check_zip(
    data: bytes,
    *,
    max_members: int = upload.MAX_ZIP_MEMBERS,
    max_unzipped: int = upload.MAX_UNZIPPED_BYTES,
    max_ratio: float = upload.MAX_COMPRESSION_RATIO,
    what: str = "L'archive ZIP",
) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open the archive after the checks; return it and its file members (directories and
    ``__MACOSX`` left out). Raises :class:`GeoError` with a French message."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise GeoError(f"{what} est invalide ou corrompue.") from exc
    if len(infos) > max_members:
        raise GeoError(f"{what} contient trop de fichiers (plus de {max_members}).")
    total = 0
    members = []
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
            raise GeoError(f"{what} contient un chemin de fichier dangereux et a été refusée.")
        if "__MACOSX" in name:
            continue
        total += info.file_size
        if total > max_unzipped:
            raise GeoError(f"{what} décompressée est trop volumineuse.")
        if info.compress_size and info.file_size / info.compress_size > max_ratio:
            raise GeoError(f"{what} a un taux de compression anormal et a été refusée par sécurité.")
        members.append(info)
    return archive, members


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read in chunks and stopped past ``limit`` (headers can lie)."""
    out = bytearray()
    try:
        with archive.open(info) as src:
            while chunk := src.read(65536):
                out += chunk
                if len(out) > limit:
                    raise GeoError("L'archive ZIP décompressée est trop volumineuse.")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise GeoError("L'archive ZIP est invalide ou corrompue.") from exc
    return bytes(out)


def extract_shapefile(data: bytes, folder: Path, stem: str = "inventaire") -> Path:
    """Check a zipped Shapefile and write its parts into ``folder`` under fixed names; return
    the ``.shp`` path."""
    archive, infos = check_zip(data)
    if sum(1 for i in infos if i.filename.lower().endswith(".shp")) > 1:
        raise GeoError("L'archive ZIP contient plusieurs Shapefiles : n'en déposez qu'un.")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        ext = os.path.splitext(info.filename)[1].lower()
        if ext in upload.SHAPEFILE_PARTS:
            members.setdefault(ext, info)
    if ".shp" not in members:
        raise GeoError("L'archive ZIP ne contient pas de Shapefile (.shp).")
    for required in (".shx", ".dbf"):
        if required not in members:
            raise GeoError(f"Le Shapefile est incomplet : il manque le fichier {required}.")
    if ".prj" not in members:
        raise GeoError(
            "Le Shapefile n'a pas de fichier .prj : sa projection est inconnue. Ajoutez le .prj à l'archive."
        )
    remaining = upload.MAX_UNZIPPED_BYTES
    for ext, info in members.items():
        content = read_member(archive, info, remaining)
        remaining -= len(content)
        (folder / f"{stem}{ext}").write_bytes(content)
    return folder / f"{stem}.shp"
