"""Check an inventory against the CNIG « Friches » schema (Frictionless) and locate each site.
No Flask import.

:func:`analyse` returns one :class:`RowResult` per row: its French errors (the row cannot be
imported), notes (imported, with a remark: old INSEE code mapped, geometry ignored…) and the
location it resolves to (today's commune, WGS84 point and perimeter).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import Point, mapping

from app import geo
from app.geo.errors import GeoError
from app.geo.geometry import check_in_france, check_lon_lat, to_polygonal

from . import anciens_codes
from .cnig import MULTI, load_schema
from .readers import Row, Table

BORDER_TOLERANCE_DEG = 0.01  # about 1 km: simplified boundaries, points on a shared border
MAX_ERRORS_PER_ROW = 20


@dataclass
class Location:
    commune_code: str
    point: dict | None = None  # GeoJSON Point (WGS84)
    perimeter: dict | None = None  # GeoJSON (Multi)Polygon (WGS84)
    surface_m2: float | None = None


@dataclass
class RowResult:
    number: int
    site_id: str
    record: dict[str, str]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    location: Location | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def report(self) -> dict:
        return {
            "ligne": self.number,
            "site_id": self.site_id,
            "erreurs": self.errors,
            "remarques": self.notes,
        }


@dataclass
class Analysis:
    table: Table
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.valid]

    @property
    def invalid_count(self) -> int:
        return sum(1 for r in self.rows if not r.valid)

    def summary(self) -> dict:
        t = self.table
        return {
            "format": t.format,
            "encodage": t.encoding,
            "separateur": t.delimiter,
            "colonnes": t.columns,
            "colonnes_ignorees": t.ignored,
            "remarques_fichier": t.notes,
            "erreurs_fichier": self.file_errors,
            "lignes": len(self.rows),
            "lignes_valides": len(self.rows) - self.invalid_count,
            "lignes_invalides": self.invalid_count,
            "libelle_ligne": t.row_label,
        }


def analyse(table: Table) -> Analysis:
    """Validate every row (schema + location). File-level problems (missing required
    columns) go to ``file_errors``: then no row is importable."""
    schema = load_schema()
    results = [
        RowResult(row.number, row.values.get("site_id", ""), _record(row.values, schema.names))
        for row in table.rows
    ]
    analysis = Analysis(table, results)
    missing = [name for name in schema.required if name not in table.columns]
    # A GIS format carries the geometry itself: geompoint may be derived from it.
    if table.format in ("GeoJSON", "GeoPackage", "Shapefile") and "geompoint" in missing:
        missing.remove("geompoint")
        for row, result in zip(table.rows, results, strict=True):
            if not result.record["geompoint"] and row.geometry is not None:
                p = row.geometry if row.geometry.geom_type == "Point" else row.geometry.representative_point()
                result.record["geompoint"] = wkt_point(p)
            if (
                not result.record["geomsurf"]
                and row.geometry is not None
                and row.geometry.geom_type != "Point"
            ):
                result.record["geomsurf"] = shapely.to_wkt(row.geometry, rounding_precision=6)
    if missing:
        labels = ", ".join(f"{n} ({schema.by_name[n].title})" for n in missing)
        analysis.file_errors.append(
            f"Colonnes obligatoires du standard CNIG absentes : {labels}. Ajoutez-les et remplissez-les "
            "pour chaque site, puis déposez le fichier à nouveau."
        )
        return analysis
    if not results:
        analysis.file_errors.append("Le fichier ne contient aucune ligne de site sous l'en-tête.")
        return analysis
    _frictionless(results)
    seen: dict[str, int] = {}
    for row, result in zip(table.rows, results, strict=True):
        if row.extra_cells:
            result.errors.append(
                f"La ligne compte {row.extra_cells} cellule(s) de plus que l'en-tête : un séparateur "
                "est sans doute en trop dans une valeur (mettez-la entre guillemets)."
            )
        sid = result.site_id
        if sid:
            if sid in seen and not any("plusieurs fois" in e for e in result.errors):
                result.errors.append(
                    f"L'identifiant site_id « {sid} » apparaît plusieurs fois (déjà {table.row_label} {seen[sid]})."
                )
            seen.setdefault(sid, row.number)
        _locate(row, result)
        del result.errors[MAX_ERRORS_PER_ROW:]
    return analysis


def _record(values: dict[str, str], names: list[str]) -> dict[str, str]:
    missing = set(load_schema().missing_values)
    return {n: ("" if values.get(n, "").strip() in missing else values.get(n, "").strip()) for n in names}


# --- schema (Frictionless) -------------------------------------------------------------------


def _frictionless(results: list[RowResult]) -> None:
    from frictionless import Resource, Schema

    schema = load_schema()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(schema.names)
    for r in results:
        writer.writerow([r.record[n] for n in schema.names])
    resource = Resource(
        data=out.getvalue().encode("utf-8"),
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(schema.descriptor),
    )
    report = resource.validate(limit_errors=len(results) * MAX_ERRORS_PER_ROW + 100)
    for error in report.tasks[0].errors:
        row_number = getattr(error, "row_number", None)
        if not row_number or not 2 <= row_number <= len(results) + 1:
            continue
        result = results[row_number - 2]
        message = french_message(error, result.record)
        if message and message not in result.errors:
            result.errors.append(message)


def french_message(error, record: dict) -> str | None:
    """A Frictionless error as a French sentence naming the field and what is expected."""
    schema = load_schema()
    name = getattr(error, "field_name", None)
    f = schema.field(name) if name else None
    label = f"{name} ({f.title})" if f else (name or "")
    cell = getattr(error, "cell", None)
    value = record.get(name, cell) if name else cell
    kind = error.type
    if kind == "constraint-error" and f is not None:
        note = error.note or ""
        if note.startswith('constraint "required"'):
            return f"Le champ obligatoire {label} est vide."
        if note.startswith('constraint "enum"'):
            allowed = " ; ".join(f"« {v} »" for v in f.enum or ())
            if MULTI in str(value):
                return (
                    f"{label} : le standard n'admet qu'une seule valeur dans ce champ, pas plusieurs "
                    f"séparées par « | » (« {value} »). Valeurs admises : {allowed}."
                )
            return f"{label} : la valeur « {value} » n'est pas une valeur du standard. Valeurs admises : {allowed}."
        if note.startswith('constraint "pattern"'):
            example = f" (exemple : « {f.example} »)" if f.example else ""
            return f"{label} : « {value} » n'a pas la forme attendue par le standard{example}."
        return f"{label} : « {value} » ne respecte pas le standard."
    if kind == "type-error" and f is not None:
        if f.type == "date" and f.format == "%Y":
            return f"{label} : « {value} » n'est pas une année sur quatre chiffres (exemple : « 1998 »)."
        if f.type == "date":
            return (
                f"{label} : « {value} » n'est pas une date au format AAAA-MM-JJ (exemple : « 2024-03-31 »)."
            )
        if f.type == "integer":
            return f"{label} : « {value} » n'est pas un nombre entier (sans espace ni unité, exemple : « 2400 »)."
        return f"{label} : « {value} » n'a pas le type attendu ({f.type})."
    if kind in ("primary-key", "unique-error"):
        return f"L'identifiant site_id « {record.get('site_id')} » apparaît plusieurs fois dans le fichier."
    if kind == "blank-row":
        return None
    return None


# --- location --------------------------------------------------------------------------------

_WKT_POINT = re.compile(
    r"^\s*POINT\s*Z?\s*\(\s*([-+\d.eE]+)[\s,]+([-+\d.eE]+)(?:\s+[-+\d.eE]+)?\s*\)\s*$", re.I
)


def wkt_point(point) -> str:
    return f"POINT({point.x:.6f} {point.y:.6f})".replace(".000000", "")


def _parse_point(text: str, notes: list[str]) -> Point | None:
    m = _WKT_POINT.match(text)
    if not m:
        notes.append(
            f"Le point geompoint « {text[:60]} » n'est pas au format « POINT(longitude latitude) » : "
            "il n'a pas été utilisé."
        )
        return None
    a, b = float(m.group(1)), float(m.group(2))
    try:
        check_lon_lat(a, b)
        return Point(a, b)
    except GeoError:
        pass
    try:
        check_lon_lat(b, a)
    except GeoError as exc:
        notes.append(f"Le point geompoint n'a pas été utilisé : {exc}")
        return None
    notes.append(
        "Le point geompoint est écrit dans l'ordre latitude, longitude : il a été lu dans l'ordre "
        "longitude, latitude attendu."
    )
    return Point(b, a)


def _parse_surface(text: str, notes: list[str]):
    try:
        geom = shapely_wkt.loads(text)
    except Exception:
        notes.append("Le contour geomsurf n'est pas un WKT lisible : il n'a pas été utilisé.")
        return None
    return _polygonal(geom, notes)


def _polygonal(geom, notes: list[str]):
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Point":
        return geom
    if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        notes.append("La géométrie n'est pas un polygone : elle n'a pas été utilisée comme périmètre.")
        return None
    try:
        check_in_france(geom)
    except GeoError:
        # lat/lon written in the wrong order?
        swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
        try:
            check_in_france(swapped)
        except GeoError as exc:
            notes.append(f"Le contour n'a pas été utilisé : {exc}")
            return None
        notes.append(
            "Le contour est écrit dans l'ordre latitude, longitude : il a été lu dans l'ordre attendu."
        )
        geom = swapped
    try:
        return to_polygonal([geom], notes)
    except GeoError as exc:
        notes.append(f"Le contour n'a pas été utilisé : {exc}")
        return None


def _near_commune(point: Point, code: str) -> bool:
    ds = geo.get_dataset()
    found = geo.commune_at(point.x, point.y)
    if found is not None and found.code == code:
        return True
    idx = ds.tree.query(point, predicate="dwithin", distance=BORDER_TOLERANCE_DEG)
    return any(ds.codes[i] == code for i in idx)


def _locate(row: Row, result: RowResult) -> None:
    rec, notes = result.record, result.notes
    code = rec["comm_insee"].upper()
    commune = geo.get_commune(code) if code else None
    if commune is None and code:
        old = anciens_codes.lookup(code)
        if old is not None:
            commune = geo.get_commune(old.current)
            if commune is not None:
                former = old.old_name or rec["comm_nom"] or code
                notes.append(
                    f"Le code INSEE {code} ({former}) est celui d'une ancienne commune, regroupée depuis "
                    f"dans {commune.nom} ({commune.code}) : le site est rattaché à {commune.nom}."
                )
    # geometry: the file's own geometry (GIS formats), else geomsurf, else geompoint
    perimeter = point = None
    if row.geometry_error:
        notes.append(f"La géométrie n'a pas été utilisée : {row.geometry_error}")
    if row.geometry is not None:
        g = _polygonal(row.geometry, notes)
        if g is not None and g.geom_type == "Point":
            point = g
        else:
            perimeter = g
    if perimeter is None and point is None and rec["geomsurf"]:
        g = _parse_surface(rec["geomsurf"], notes)
        if g is not None and g.geom_type == "Point":
            point = g
        else:
            perimeter = g
    if point is None and rec["geompoint"]:
        point = _parse_point(rec["geompoint"], notes)
    if point is None and perimeter is not None:
        point = perimeter.representative_point()
    if point is not None and commune is not None and not _near_commune(point, commune.code):
        elsewhere = geo.commune_at(point.x, point.y)
        where = f"à {elsewhere.nom} ({elsewhere.code})" if elsewhere else "hors des communes françaises"
        notes.append(
            f"La géométrie du site se trouve {where}, pas dans la commune indiquée ({commune.nom}) : "
            "elle n'a pas été utilisée, le site est localisé à la commune."
        )
        point = perimeter = None
        notes[:] = [n for n in notes if "ordre latitude, longitude" not in n]
    if commune is None and point is not None:
        commune = geo.commune_at(point.x, point.y)
        if commune is not None:
            notes.append(
                f"Le code INSEE « {code or '(vide)'} » est inconnu : la commune a été déduite de la "
                f"géométrie ({commune.nom}, {commune.code})."
            )
    if commune is None:
        if rec["comm_insee"]:
            result.errors.append(
                f"comm_insee (code INSEE de la commune) : aucune commune, actuelle ou ancienne, n'a le code "
                f"« {rec['comm_insee']} », et le site n'a pas de géométrie utilisable pour la retrouver."
            )
        return
    result.location = Location(
        commune.code,
        point=mapping(point) if point is not None else None,
        perimeter=mapping(perimeter) if perimeter is not None else None,
        surface_m2=geo.surface_m2(perimeter) if perimeter is not None else None,
    )


def dumps_wkt(geom) -> str:
    return shapely.to_wkt(geom, rounding_precision=6)
