"""The /budget page: a beta.gouv service publishes its budget twice a year (January: actuals of
the past year and forecast; June: update), amounts excluding VAT, from ``data/budget.yaml``.
An unknown amount is ``null`` and shown « à compléter »: nothing is ever estimated here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml


class BudgetError(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    poste: str
    montant_ht: float | None


@dataclass(frozen=True)
class Year:
    annee: int
    nature: str
    lignes: tuple[Line, ...]

    @property
    def total_ht(self) -> float | None:
        """The total, only when every line is known."""
        amounts = [line.montant_ht for line in self.lignes]
        return None if any(a is None for a in amounts) else sum(amounts)


@dataclass(frozen=True)
class Budget:
    mis_a_jour_le: date | None
    annees: tuple[Year, ...]
    financeurs: tuple[Line, ...]

    @property
    def complete(self) -> bool:
        return self.mis_a_jour_le is not None and all(y.total_ht is not None for y in self.annees)


def _amount(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BudgetError(f"{where} : montant_ht doit être un nombre positif (euros HT) ou null.")
    return float(value)


def load_budget(path: Path) -> Budget:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    updated = raw.get("mis_a_jour_le")
    if updated is not None and not isinstance(updated, date):
        raise BudgetError("mis_a_jour_le doit être une date AAAA-MM-JJ, ou null.")
    years = []
    for y in raw.get("annees") or []:
        lines = tuple(
            Line(str(p["poste"]), _amount(p.get("montant_ht"), f"{y['annee']} / {p['poste']}"))
            for p in y.get("postes") or []
        )
        if y.get("nature") not in ("réalisé", "prévisionnel"):
            raise BudgetError(f"{y['annee']} : nature doit valoir « réalisé » ou « prévisionnel ».")
        years.append(Year(int(y["annee"]), y["nature"], lines))
    funders = tuple(
        Line(str(f["nom"]), _amount(f.get("montant_ht"), f"financeur {f['nom']}"))
        for f in raw.get("financeurs") or []
    )
    return Budget(updated, tuple(years), funders)
