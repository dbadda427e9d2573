"""Portfolio tests run the task queue in Huey's immediate mode (tasks run in the caller, on
in-memory storage), except tests/portfolio/test_worker.py which runs a real consumer on the
SQLite storage."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.tasks import huey

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "fichier-valide.csv"  # the CNIG example file


@pytest.fixture(autouse=True)
def immediate_queue():
    previous = huey.immediate
    huey.immediate = True
    yield
    huey.immediate = previous


def example_rows() -> tuple[list[str], list[str]]:
    rows = list(csv.reader(EXAMPLE.open(encoding="utf-8")))
    return rows[0], rows[1]


def cnig_csv(n: int, *, delimiter: str = ",", mutate=None, communes=None) -> str:
    """``n`` valid CNIG rows derived from the example file (unique ids, real points)."""
    header, row = example_rows()
    idx = {name: i for i, name in enumerate(header)}
    communes = communes or [
        ("62528", "Loos-en-Gohelle", 2.7766, 50.4567),
        ("12083", "Cransac", 2.2790, 44.5240),
    ]
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    for i in range(n):
        r = list(row)
        code, nom, lon, lat = communes[i % len(communes)]
        r[idx["site_id"]] = f"{code}_T-{i:05d}"
        r[idx["site_nom"]] = f"Friche n° {i}"
        r[idx["comm_insee"]], r[idx["comm_nom"]] = code, nom
        r[idx["geompoint"]] = f"POINT({lon + (i % 7) * 0.0001:.5f} {lat:.5f})"
        r[idx["geomsurf"]] = ""
        if mutate:
            mutate(i, r, idx)
        w.writerow(r)
    return out.getvalue()


def upload(client, data: bytes | str, filename: str = "inventaire.csv", url: str = "/portefeuilles", **form):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return client.post(
        url, data={"fichier": (io.BytesIO(data), filename), **form}, content_type="multipart/form-data"
    )
