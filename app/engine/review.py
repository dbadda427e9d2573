"""What editors should re-check (``flask content review``): items never verified, items by age
of their verification, open doubts, schemes whose last known deadline has passed, sources that
are only general pages. A report, never a test: an unchanged checkout never turns red because
time passed. No Flask import.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from app.engine.catalogs import Catalogs, Item, SchemeStatus

AGE_BUCKETS = ((90, "moins de 3 mois"), (180, "3 à 6 mois"), (365, "6 à 12 mois"))
OLD = "plus d'un an"
KINDS = ("étape", "financement", "type de contact", "contact", "ressource")


@dataclass(frozen=True)
class Entry:
    kind: str
    item: Item

    @property
    def where(self) -> str:
        return f"{self.item.file}, ligne {self.item.line}" if self.item.line else self.item.file


def _entries(cat: Catalogs) -> list[Entry]:
    groups = (
        cat.steps,
        cat.schemes.values(),
        cat.contact_types.values(),
        cat.contacts,
        cat.resources.values(),
    )
    return [Entry(kind, item) for kind, items in zip(KINDS, groups, strict=True) for item in items]


def age_bucket(checked: date, today: date) -> str:
    days = (today - checked).days
    return next((label for limit, label in AGE_BUCKETS if days < limit), OLD)


def _line(e: Entry, extra: str = "") -> str:
    return f"    {e.kind:<16} {e.item.id:<46} {extra}{e.where}"


def review_report(cat: Catalogs, today: date, limit: int = 40) -> str:
    """A plain-text list of what to re-check, most urgent first, ``limit`` lines per section."""
    entries = _entries(cat)
    out: list[str] = [f"Revue du contenu au {today.strftime('%d/%m/%Y')}", ""]

    never = [e for e in entries if e.item.checked_on is None]
    out.append(f"Jamais vérifiés (sans « verifie_le ») : {len(never)}")
    for kind, n in sorted(Counter(e.kind for e in never).items()):
        out.append(f"  {kind:<16} {n:>4}")
    out += [_line(e) for e in never if e.kind != "contact"][:limit]

    checked = sorted(((e.item.checked_on, e) for e in entries if e.item.checked_on), key=lambda pair: pair[0])
    out += ["", "Par ancienneté de la vérification :"]
    ages = Counter(age_bucket(day, today) for day, _ in checked)
    for label in [b for _, b in AGE_BUCKETS] + [OLD]:
        out.append(f"  {label:<16} {ages.get(label, 0):>4}")
    out.append("  Les plus anciennes :")
    out += [_line(e, f"{day.strftime('%d/%m/%Y')}  ") for day, e in checked[:limit]]

    doubts = [e for e in entries if e.item.to_confirm]
    out += ["", f"Doutes ouverts (« a_confirmer ») : {len(doubts)}"]
    for kind, n in sorted(Counter(e.kind for e in doubts).items()):
        out.append(f"  {kind:<16} {n:>4}")
    out += [_line(e) for e in doubts if e.kind != "contact"][:limit]

    passed = []
    for s in cat.schemes.values():
        t = s.timing(today)
        if t.status != SchemeStatus.CLOSED and t.last_deadline and t.last_deadline < today:
            passed.append((t.last_deadline, s))
    out += ["", f"Financements dont la dernière date limite connue est passée : {len(passed)}"]
    out += [
        f"    {s.id:<46} {d.strftime('%d/%m/%Y')}  {s.file}, ligne {s.line}"
        for d, s in sorted(passed, key=lambda x: x[0])
    ]

    general = [e for e in entries if e.item.sources and all(src.general for src in e.item.sources)]
    out += ["", f"Éléments dont toutes les sources sont des pages générales : {len(general)}"]
    out += [_line(e) for e in general if e.kind != "contact"][:limit]
    return "\n".join(out) + "\n"
