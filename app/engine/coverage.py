"""Content coverage report (``flask content coverage``): how much of France and of the project
types the validated catalogs cover, and how much of it is confirmed. No Flask import."""

from __future__ import annotations

from collections import Counter
from datetime import date

from app.engine.catalogs import Catalogs, SchemeStatus
from app.engine.conditions import atoms
from app.engine.vocabulaire import INTENDED_USES

STATE_SERVICE_TYPES = ("ddt", "prefecture")
REGIONAL_TYPES = ("dreal", "ademe", "region")


def _covered(catalogs: Catalogs, type_id: str, key: str) -> set[str]:
    codes: set[str] = set()
    for contact in catalogs.contacts_by_type.get(type_id, []):
        codes |= contact.covers.get(key, frozenset())
    return codes


def _regions_named(condition) -> list[str]:
    """Région codes named by ``territoire: region`` atoms of a condition."""
    found: list[str] = []
    for atom in atoms(condition):
        if atom.get("territoire") == "region" and "est" in atom:
            value = atom["est"]
            found += [str(v) for v in (value if isinstance(value, list) else [value])]
    return found


def coverage_report(catalogs: Catalogs, today: date) -> str:
    """A plain-text report: steps by phase, schemes by status and use, contacts by type and
    territory, and what is verified, open to doubt or linked to the directory only."""
    sections = (_steps(catalogs), _schemes(catalogs, today), _contacts(catalogs), _doubts(catalogs))
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _steps(catalogs: Catalogs) -> list[str]:
    steps = catalogs.steps
    lines = [f"Étapes : {len(steps)}"]
    by_phase = Counter(step.phase for step in steps)
    for phase in catalogs.phases:
        lines.append(f"  {phase.id:<14} {by_phase.get(phase.id, 0):>3}  {phase.title}")
    lines.append(f"  dont « à confirmer » : {sum(1 for s in steps if s.to_confirm)}")
    lines.append(
        f"  dont vérifiées (date de vérification, sans doute ouvert) : {sum(1 for s in steps if s.verified)}"
    )
    return lines


def _schemes(catalogs: Catalogs, today: date) -> list[str]:
    schemes = list(catalogs.schemes.values())
    timings = {s.id: s.timing(today) for s in schemes}
    statuses = Counter(str(t.status) for t in timings.values())
    lines = [
        f"Financements : {len(schemes)} (" + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + ")"
    ]
    confirmed = Counter(t.confirmed for t in timings.values())
    lines.append(f"  calendrier confirmé : {confirmed[True]} ; non confirmé : {confirmed[False]}")
    for status in (SchemeStatus.OPEN, SchemeStatus.UPCOMING, SchemeStatus.CLOSED):
        by = Counter(t.confirmed for t in timings.values() if t.status == status)
        lines.append(f"    {status:<8} : confirmé {by[True]:>3} ; non confirmé {by[False]:>3}")
    lines.append(
        f"  dont vérifiés (date de vérification, sans doute ouvert) : {sum(1 for s in schemes if s.verified)}"
    )
    lines.append(f"  dont « à confirmer » : {sum(1 for s in schemes if s.to_confirm)}")
    lines.append("  Dispositifs ouverts par usage :")
    for use in INTENDED_USES:
        n = sum(
            1 for s in schemes if timings[s.id].status == SchemeStatus.OPEN and (not s.uses or use in s.uses)
        )
        lines.append(f"    {use:<32} {n:>3}")
    regional = Counter(code for s in schemes for code in _regions_named(s.condition))
    if regional:
        lines.append(
            "  Dispositifs propres à une région : "
            + ", ".join(f"{k} ({v})" for k, v in sorted(regional.items()))
        )
    return lines


def _contacts(catalogs: Catalogs) -> list[str]:
    contacts = catalogs.contacts
    lines = [f"Contacts : {len(contacts)}"]
    for type_id, n in sorted(Counter(c.type for c in contacts).items()):
        lines.append(f"  {type_id:<20} {n:>4}")
    own = sum(1 for c in contacts if c.url)
    lines.append(
        f"  page officielle : {own} ; lien vers l'Annuaire de l'administration : {len(contacts) - own}"
    )
    lines.append(f"  dont « à confirmer » : {sum(1 for c in contacts if c.to_confirm)}")
    lines.append(
        f"  dont vérifiés (date de vérification, sans doute ouvert) : {sum(1 for c in contacts if c.verified)}"
    )
    lines.append(
        "  L'intercommunalité du site est nommée d'après les données du territoire (lien vers l'Annuaire)."
    )
    for type_id in STATE_SERVICE_TYPES:
        lines.append(
            f"  {type_id} : {len(_covered(catalogs, type_id, 'departements'))} départements couverts"
        )
    for type_id in REGIONAL_TYPES:
        lines.append(f"  {type_id} : {len(_covered(catalogs, type_id, 'regions'))} régions couvertes")
    lines.append(
        f"  epf : {len(_covered(catalogs, 'epf', 'regions'))} régions entières, "
        f"{len(_covered(catalogs, 'epf', 'departements'))} départements (tout ou partie), "
        f"{len(_covered(catalogs, 'epf', 'epci'))} intercommunalités"
    )
    return lines


def _doubts(catalogs: Catalogs) -> list[str]:
    items = [
        *catalogs.steps,
        *catalogs.schemes.values(),
        *catalogs.contacts,
        *catalogs.contact_types.values(),
        *catalogs.resources.values(),
    ]
    return [
        f"Éléments avec un doute ouvert (« à confirmer ») : {sum(1 for i in items if i.to_confirm)} sur {len(items)} ; "
        f"jamais vérifiés : {sum(1 for i in items if i.checked_on is None)}"
    ]
