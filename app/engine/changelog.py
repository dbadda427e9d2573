"""Content changelog (``data/nouveautes.yaml``), shown on the public « Quoi de neuf » page.

Each entry says, in plain French for a mayor, what changed in the reference content and when::

    - date: 2026-12-01
      titre: Périmètres des établissements publics fonciers revus
      texte: >-
        Le Mans et Laval relèvent de l'EPF local Mayenne-Sarthe ; …
      elements: [epfl-mayenne-sarthe, epora]   # optional: ids of the items concerned

``load_changelog`` validates it (date neither missing nor in the future, title and text,
known item ids) and returns the entries newest first; the wording rules of
:mod:`app.engine.content_rules` apply to its texts like to every user-facing text. No Flask import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.engine.content_rules import future_date
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

CHANGELOG_FILE = "nouveautes.yaml"
ENTRY_KEYS = {"date", "titre", "texte", "elements"}


@dataclass(frozen=True)
class ChangeEntry:
    day: date
    title: str
    text: str
    items: tuple[str, ...] = ()


def _entry(
    raw: Mapping, file: str, today: date, known: set[str], errors: list[ContentError]
) -> ChangeEntry | None:
    line = line_of(raw)
    unknown = sorted(str(k) for k in raw if k not in ENTRY_KEYS)
    if unknown:
        errors.append(ContentError(file, line, None, f"champ(s) inconnu(s) : {', '.join(unknown)}"))
    day, title, text = raw.get("date"), raw.get("titre"), raw.get("texte")
    if not isinstance(day, date):
        errors.append(ContentError(file, line, None, "« date » manquante ou mal formée (AAAA-MM-JJ)"))
        day = None
    errors += [ContentError(file, line, None, m) for m in future_date(day, today, "date")]
    for key, value in (("titre", title), ("texte", text)):
        if not isinstance(value, str) or not value.strip():
            errors.append(ContentError(file, line, None, f"champ obligatoire « {key} » manquant"))
    items = raw.get("elements") or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors.append(ContentError(file, line, None, "« elements » doit être une liste d'identifiants"))
        items = []
    for iid in items:
        if known and iid not in known:
            errors.append(ContentError(file, line, iid, "identifiant inconnu dans « elements »"))
    if not (day and isinstance(title, str) and isinstance(text, str)):
        return None
    return ChangeEntry(day, title.strip(), " ".join(text.split()), tuple(items))


def load_changelog(
    data_dir: str | Path, today: date, known_ids: Iterable[str] = ()
) -> tuple[ChangeEntry, ...]:
    """The entries of ``data/nouveautes.yaml``, newest first (none when the file is absent)."""
    path = Path(data_dir) / CHANGELOG_FILE
    if not path.exists():
        return ()
    file = f"{Path(data_dir).name}/{CHANGELOG_FILE}"
    raw = load_yaml(path, file)
    errors: list[ContentError] = []
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ContentInvalid(
            [ContentError(file, line_of(raw), None, "le fichier doit contenir une liste d'entrées")]
        )
    known = set(known_ids)
    entries = []
    for item in raw:
        if isinstance(item, Mapping):
            entries.append(_entry(item, file, today, known, errors))
        else:
            errors.append(ContentError(file, line_of(raw), None, f"entrée mal formée : {item!r}"))
    if errors:
        raise ContentInvalid(errors)
    return tuple(sorted((e for e in entries if e), key=lambda e: e.day, reverse=True))
