"""How numbers, dates and times are written on every page (Jinja filters).

- ``accord``: French agreement — 0 and 1 take the singular (« 0 étape faite », « 1 étape
  faite »), 2 and more the plural (« 2 étapes faites »).
- ``date_fr``: a date as « 1er décembre 2026 ».
- ``heure_paris``: a date and time as « 2 décembre 2026 à 14 h 05 », always in Europe/Paris
  (a naive datetime is read as UTC, as the service stores them). The one way a time reaches a
  page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from app.pages import bp

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``singular`` for 0 and 1, ``plural_form`` (default: ``singular`` + « s » on each word)
    from 2 on — the French rule."""
    if abs(count) < 2:
        return singular
    if plural_form is not None:
        return plural_form
    return " ".join(w if w.endswith(("s", "x", "z")) else w + "s" for w in singular.split(" "))


def accord(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 3 étapes faites »: the number, a non-breaking space and the agreed words."""
    return f"{count}\u00a0{plural(count, singular, plural_form)}"


def avancement(done: int, total: int) -> str:
    """« 4 étapes sur 41 faites », « 1 étape sur 41 faite », « 0 étape sur 3 faite »."""
    return f"{done}\u00a0{plural(done, 'étape')} sur {total} {plural(done, 'faite')}"


def to_paris(moment: datetime) -> datetime:
    """``moment`` in Europe/Paris; a naive datetime is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)


def date_fr(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def heure_paris(value: datetime | str | None) -> str:
    """« 2 décembre 2026 à 14 h 05 » (Europe/Paris); accepts an ISO 8601 string."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = to_paris(value)
    return f"{date_fr(local.date())} à {local.hour}\u00a0h\u00a0{local.minute:02d}"


bp.add_app_template_filter(accord, "accord")
bp.add_app_template_filter(plural, "pluriel")
bp.add_app_template_global(avancement, "avancement")
bp.add_app_template_filter(date_fr, "date_fr")
bp.add_app_template_filter(heure_paris, "heure_paris")
