"""Old INSEE codes of merged communes (communes nouvelles, fusions) → today's commune.

Inventories are full of codes that no longer exist: a commune merged into a commune nouvelle
loses its code (or keeps it only as a delegated commune). :func:`current_code` maps such a code
to the current commune and says so in French.

The table ``data/territoires/anciens-codes.csv`` is built by :func:`build` (``flask data
build-anciens-codes``) from the ``anciensCodes`` of the current communes in the npm package
``@etalab/decoupage-administratif`` (data from the INSEE Code officiel géographique), fetched
with ``npm pack``. No Flask import.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "territoires"
TABLE = DATA_DIR / "anciens-codes.csv"
PACKAGE = "@etalab/decoupage-administratif"
PACKAGE_VERSION = "6.0.0"  # COG 2026 (the package README maps its versions to COG vintages)


@dataclass(frozen=True)
class OldCode:
    old: str
    current: str
    old_name: str | None  # the delegated or associated commune's name, when the COG keeps it


@lru_cache(maxsize=4)
def _table(path: Path = TABLE) -> dict[str, OldCode]:
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {
            r["ancien_code"]: OldCode(r["ancien_code"], r["code"], r["ancien_nom"] or None)
            for r in csv.DictReader(fh)
        }


def lookup(code: str) -> OldCode | None:
    """The mapping for an old code, or None when ``code`` is not an old code."""
    return _table().get((code or "").strip().upper())


def build(communes_json: Path, out: Path = TABLE, known_codes: set[str] | None = None) -> dict:
    """Write the table from the package's ``data/communes.json``. ``known_codes`` (the current
    communes of the embedded dataset) drops old codes that are still current there and
    mappings to communes it does not know."""
    communes = json.loads(Path(communes_json).read_text(encoding="utf-8"))
    names = {
        c["code"]: c["nom"]
        for c in communes
        if c.get("type") in ("commune-deleguee", "commune-associee") and c.get("nom")
    }
    rows, skipped = [], []
    for c in communes:
        if c.get("type") != "commune-actuelle":
            continue
        for old in c.get("anciensCodes") or []:
            if old == c["code"]:
                continue
            if known_codes is not None and (old in known_codes or c["code"] not in known_codes):
                skipped.append(old)
                continue
            rows.append((old, c["code"], names.get(old, "")))
    rows.sort()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ancien_code", "code", "ancien_nom"])
        w.writerows(rows)
    _table.cache_clear()
    return {
        "built_on": date.today().isoformat(),
        "rows": len(rows),
        "skipped": sorted(skipped),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }


def fetch_package(version: str = PACKAGE_VERSION, workdir: Path | None = None) -> Path:
    """Download the npm package with the ordinary client (``npm pack``) and return the path of
    its ``data/communes.json``."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="decoupage-"))
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        member = tar.getmember("package/data/communes.json")
        tar.extractall(workdir, members=[member], filter="data")
    return workdir / "package" / "data" / "communes.json"
