"""Content coverage report: how much of France and of the project types the catalogs cover.

Reads the YAML catalogs directly (PyYAML) so it works even when the content does not validate;
no Flask import. ``flask content coverage`` prints :func:`coverage_report`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

USES = (
    "habitat",
    "bureau",
    "commerce",
    "industrie",
    "autres activités économiques",
    "équipement public",
    "aménagement d'espace public",
    "renaturation",
    "panneaux photovoltaïques",
    "énergie, hors photovoltaïque",
    "mixte",
)
STATE_SERVICE_TYPES = ("ddt", "prefecture")
REGIONAL_TYPES = ("dreal", "ademe", "region")


def _load_dir(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if not path.is_dir():
        return items
    for file in sorted(path.glob("*.yaml")):
        if file.name == "types.yaml":
            continue
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or []
        items += [item for item in data if isinstance(item, dict)]
    return items


def scheme_status(scheme: dict[str, Any], today: date | None = None) -> str:
    """ouvert / a_venir / clos from a scheme's dates (same rule as the engine)."""
    today = today or date.today()
    dates = scheme.get("dates") or {}
    opening, closing = dates.get("ouverture"), dates.get("cloture")
    if isinstance(opening, date) and today < opening:
        return "a_venir"
    if isinstance(closing, date) and today > closing:
        return "clos"
    return "ouvert"


def _covered(items: list[dict[str, Any]], type_id: str, key: str) -> set[str]:
    codes: set[str] = set()
    for item in items:
        if item.get("type") == type_id:
            codes |= {str(c) for c in (item.get("couvre") or {}).get(key, [])}
    return codes


def coverage_report(catalogs_dir: str | Path, today: date | None = None) -> str:
    """A plain-text report: steps by phase, schemes by status and use, contacts by type and territory."""
    root = Path(catalogs_dir)
    phases = (
        yaml.safe_load((root / "phases.yaml").read_text(encoding="utf-8"))
        if (root / "phases.yaml").exists()
        else []
    )
    steps = _load_dir(root / "etapes")
    schemes = _load_dir(root / "financements")
    contacts = _load_dir(root / "contacts")
    lines: list[str] = []

    lines.append(f"Étapes : {len(steps)}")
    by_phase = Counter(step.get("phase") for step in steps)
    for phase in phases or []:
        lines.append(f"  {phase['id']:<14} {by_phase.get(phase['id'], 0):>3}  {phase.get('titre', '')}")
    uncertain_steps = sum(1 for s in steps if s.get("incertain"))
    lines.append(f"  dont « à confirmer » : {uncertain_steps}")

    statuses = Counter(scheme_status(s, today) for s in schemes)
    lines.append("")
    lines.append(
        f"Financements : {len(schemes)} (" + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + ")"
    )
    lines.append("  Dispositifs ouverts par usage :")
    for use in USES:
        n = sum(
            1
            for s in schemes
            if scheme_status(s, today) == "ouvert" and (not s.get("usages") or use in s["usages"])
        )
        lines.append(f"    {use:<32} {n:>3}")
    regional = Counter()
    for s in schemes:
        for atom in _region_atoms(s.get("si")):
            for code in atom:
                regional[code] += 1
    if regional:
        lines.append(
            "  Dispositifs propres à une région : "
            + ", ".join(f"{k} ({v})" for k, v in sorted(regional.items()))
        )

    lines.append("")
    lines.append(f"Contacts : {len(contacts)}")
    for type_id, n in sorted(Counter(c.get("type") for c in contacts).items()):
        lines.append(f"  {type_id:<20} {n:>4}")
    for type_id in STATE_SERVICE_TYPES:
        lines.append(
            f"  {type_id} : {len(_covered(contacts, type_id, 'departements'))} départements couverts"
        )
    for type_id in REGIONAL_TYPES:
        lines.append(f"  {type_id} : {len(_covered(contacts, type_id, 'regions'))} régions couvertes")
    epf_regions = _covered(contacts, "epf", "regions")
    epf_deps = _covered(contacts, "epf", "departements")
    lines.append(
        f"  epf : {len(epf_regions)} régions entières, {len(epf_deps)} départements (tout ou partie)"
    )
    return "\n".join(lines) + "\n"


def _region_atoms(condition: Any) -> list[list[str]]:
    """Région codes named by `territoire: region` atoms anywhere in a condition."""
    found: list[list[str]] = []
    if isinstance(condition, list):
        for child in condition:
            found += _region_atoms(child)
    elif isinstance(condition, dict):
        if condition.get("territoire") == "region" and "est" in condition:
            value = condition["est"]
            found.append([str(v) for v in (value if isinstance(value, list) else [value])])
        for child in condition.values():
            if isinstance(child, (list, dict)):
                found += _region_atoms(child)
    return found
