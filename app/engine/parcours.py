"""Path computation: from facts (answers + territory) to the ordered, explained list of steps with
their contacts, funding schemes and resources. No Flask import.

Every result carries its trace: ``reasons`` (readable conditions that made it applicable) and,
for ``a_verifier`` items, ``missing`` (the facts whose answer would settle it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from app.engine.catalogs import (
    ANNUAIRE_URL,
    Catalogs,
    Contact,
    ContactType,
    Phase,
    Resource,
    Scheme,
    SchemeStatus,
    Step,
    Timing,
)
from app.engine.conditions import KIND_TERRITORY, Evaluation, Fact, Vocabulary, evaluate, referenced_facts


class PathStatus(StrEnum):
    """Where a step (or a scheme's eligibility) stands on a path: it applies, or it depends on an
    answer not given yet. A step whose condition is false is not on the path at all."""

    APPLICABLE = "applicable"
    TO_CHECK = "a_verifier"


APPLICABLE = PathStatus.APPLICABLE
A_VERIFIER = PathStatus.TO_CHECK
STATUS_ORDER = {SchemeStatus.OPEN: 0, SchemeStatus.UPCOMING: 1, SchemeStatus.CLOSED: 2}
SOON_DAYS = 30  # "clôture dans N jours" below this many days
ALWAYS = "Étape utile pour toute reconversion de friche."
MEMO_MAX = 200_000  # memo entries before the memo is emptied (bounded memory)


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    return value


@dataclass(frozen=True)
class Missing:
    """A fact whose answer would settle an ``a_verifier`` result."""

    kind: str
    id: str
    label: str

    @property
    def key(self) -> str:
        return self.id if self.kind != KIND_TERRITORY else f"territoire.{self.id}"


@dataclass
class SchemeResult:
    scheme: Scheme
    eligibility: PathStatus
    timing: Timing  # status and the dates that explain it
    days_left: int | None  # days before closing when open and closing soon
    reasons: list[str]
    missing: list[Missing]

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def status(self) -> SchemeStatus:
        return self.timing.status

    @property
    def available(self) -> bool:
        return self.status != SchemeStatus.CLOSED

    @property
    def closing_soon(self) -> bool:
        return self.days_left is not None


@dataclass
class ContactResult:
    id: str
    type: ContactType
    name: str
    url: str
    verified: bool  # checked against its sources, no open doubt, its own page, certain coverage
    contact: Contact | None = None
    note: str | None = None  # one plain sentence for the user
    directory: bool = False  # ``url`` is the official directory's search, not the body's own page

    @property
    def role(self) -> str:
        return self.type.role


@dataclass
class StepResult:
    step: Step
    phase: Phase
    status: PathStatus
    reasons: list[str]
    missing: list[Missing]
    contacts: list[ContactResult] = field(default_factory=list)
    schemes: list[SchemeResult] = field(default_factory=list)  # eligible and not closed
    resources: list[Resource] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.step.id


@dataclass
class PhaseResult:
    phase: Phase
    steps: list[StepResult]


@dataclass
class PathResult:
    steps: list[StepResult]
    schemes: list[SchemeResult]  # every eligible scheme met on the path, closed ones last
    contacts: list[ContactResult]
    resources: list[Resource]
    warnings: list[str]
    today: date

    def by_phase(self) -> list[PhaseResult]:
        groups: dict[str, PhaseResult] = {}
        for item in self.steps:
            groups.setdefault(item.phase.id, PhaseResult(item.phase, [])).steps.append(item)
        return sorted(groups.values(), key=lambda g: g.phase.index)

    @property
    def open_schemes(self) -> list[SchemeResult]:
        return [s for s in self.schemes if s.available]


def _missing(facts: list[Fact], vocabulary: Vocabulary | None) -> list[Missing]:
    out = []
    for kind, fid in facts:
        info = vocabulary.get((kind, fid)) if vocabulary else None
        out.append(Missing(kind, fid, info.label if info else fid))
    return out


def _explain(ev: Evaluation, missing: list[Missing], default: str) -> list[str]:
    # The same fact may be read twice by one condition (e.g. a use in two branches): say it once.
    reasons = list(dict.fromkeys(ev.reasons)) or ([default] if ev.value is True else [])
    for m in missing:
        if m.kind == KIND_TERRITORY:
            reasons.append(f"À vérifier : {m.label} (donnée du territoire inconnue)")
        else:
            reasons.append(f"À préciser : {m.label}")
    return reasons


DIRECTORY_NOTE = "Coordonnées à retrouver dans l'Annuaire de l'administration (le lien ouvre la recherche)."
EPCI_TYPE = "epci"
EPCI_NOTE = (
    "Votre intercommunalité : le lien ouvre sa fiche dans l'Annuaire de l'administration, "
    "avec ses coordonnées officielles."
)
PARTIAL_NOTE = "Intervient seulement pour ses intercommunalités membres : à vérifier."


def annuaire_link(name: str, commune_name: str | None) -> str:
    """The official directory's search for a body, narrowed to the commune when known."""
    if commune_name:
        what = quote(name.split(" — ")[0].split(" (")[0])
        return f"{ANNUAIRE_URL}recherche?whoWhat={what}&where={quote(commune_name)}"
    return ANNUAIRE_URL


def _sentences(*parts: str | None) -> str | None:
    return " ".join(p for p in parts if p) or None


def contact_result(c: Contact, ctype: ContactType, commune_name: str | None) -> ContactResult:
    """A catalog contact as shown: its own page when one was read from an official list, else
    the directory's search for it; its note, then what the user must still confirm."""
    doubt = c.to_confirm or (PARTIAL_NOTE if c.partial_perimeter else None)
    if c.url is None:
        link = annuaire_link(c.name, commune_name)
        return ContactResult(
            c.id, ctype, c.name, link, False, c, _sentences(c.note or DIRECTORY_NOTE, doubt), True
        )
    verified = c.verified and not c.partial_perimeter
    return ContactResult(c.id, ctype, c.name, c.url, verified, c, _sentences(c.note, doubt))


class PathEngine:
    """Computes paths over loaded catalogs. Stateless between calls; safe to share across threads."""

    def __init__(
        self,
        catalogs: Catalogs,
        vocabulary: Vocabulary | None = None,
        epci_name: Callable[[str], str | None] | None = None,
    ):
        """``epci_name``: the name of an intercommunality from its SIREN (territory data), so
        that the site's own EPCI is named among its contacts."""
        self.catalogs = catalogs
        self.epci_name = epci_name
        if vocabulary is None:
            from app.engine.vocabulaire import default_vocabulary

            vocabulary = default_vocabulary()
        self.vocabulary = vocabulary
        # Precompiled once: the facts each condition reads (memo keys) and a contact index by code.
        self._refs: dict[str, tuple[Fact, ...]] = {}
        for step in catalogs.steps:
            self._refs["etape:" + step.id] = tuple(sorted(referenced_facts(step.condition)))
        for scheme in catalogs.schemes.values():
            self._refs["financement:" + scheme.id] = tuple(sorted(referenced_facts(scheme.eligibility)))
        self._memo: dict[tuple, tuple[bool | None, list[str], list[Missing]]] = {}
        self._contact_memo: dict[tuple, list[ContactResult]] = {}
        self._index: dict[str, dict[tuple[str, str], list[Contact]]] = {}
        self._national: dict[str, list[Contact]] = {}
        for contact in catalogs.contacts:
            if not contact.covers:
                self._national.setdefault(contact.type, []).append(contact)
            for key, codes in contact.covers.items():
                for code in codes:
                    self._index.setdefault(contact.type, {}).setdefault((key, code), []).append(contact)

    def _judge(self, key: str, condition: Any, facts: Mapping[Fact, Any], default: str):
        """(value, reasons, missing) of a condition, memoised on the values of the facts it reads:
        the same answers always give the same explanation, so it is computed once per process."""
        memo_key = (key, tuple(_freeze(facts.get(f)) for f in self._refs[key]))
        found = self._memo.get(memo_key)
        if found is None:
            ev = evaluate(condition, facts, self.vocabulary)
            missing = _missing(ev.missing, self.vocabulary)
            found = (ev.value, _explain(ev, missing, default), missing)
            if len(self._memo) > MEMO_MAX:
                self._memo.clear()
            self._memo[memo_key] = found
        return found

    def contacts_for(
        self, type_id: str, territory: Mapping[str, Any], commune_name: str | None = None
    ) -> list[ContactResult]:
        key = (type_id, commune_name) + tuple(
            territory.get(f) for f in ("commune", "epci", "departement", "region")
        )
        found = self._contact_memo.get(key)
        if found is None:
            found = self._contacts_for(type_id, territory, commune_name)
            if len(self._contact_memo) > MEMO_MAX:
                self._contact_memo.clear()
            self._contact_memo[key] = found
        return found

    def _contacts_for(
        self, type_id: str, territory: Mapping[str, Any], commune_name: str | None
    ) -> list[ContactResult]:
        ctype = self.catalogs.contact_types[type_id]
        if type_id == EPCI_TYPE:
            own = self._own_epci(ctype, territory, commune_name)
            if own is not None:
                return own
        index = self._index.get(type_id, {})
        chosen: list[Contact] = []
        if territory.get("commune"):
            # Most specific coverage wins: a local EPF's member EPCI over the State EPF's region.
            for key, fact in (
                ("communes", "commune"),
                ("epci", "epci"),
                ("departements", "departement"),
                ("regions", "region"),
            ):
                code = territory.get(fact)
                if code and (key, str(code)) in index:
                    chosen = index[(key, str(code))]
                    break
        if chosen:
            return [contact_result(c, ctype, commune_name) for c in chosen]
        nationals = self._national.get(type_id, [])
        if nationals:
            return [contact_result(c, ctype, commune_name) for c in nationals]
        if type_id == "epf" and territory.get("commune"):
            return []  # no EPF here: never invent one
        return [
            ContactResult(
                f"annuaire-{type_id}",
                ctype,
                ctype.name,
                annuaire_link(ctype.name, commune_name) if ctype.directory_code else ANNUAIRE_URL,
                False,
                note=DIRECTORY_NOTE,
                directory=True,
            )
        ]

    def _own_epci(
        self, ctype: ContactType, territory: Mapping[str, Any], commune_name: str | None
    ) -> list[ContactResult] | None:
        """The site's intercommunality, named from the territory data and linked to its entry in
        the official directory (never a guessed site). None when the commune's EPCI is unknown."""
        code = territory.get("epci")
        name = self.epci_name(str(code)) if code and self.epci_name else None
        if not name:
            return None
        return [
            ContactResult(
                f"epci-{code}",
                ctype,
                name,
                annuaire_link(name, commune_name),
                False,
                note=EPCI_NOTE,
                directory=True,
            )
        ]

    def scheme_result(self, scheme: Scheme, facts: Mapping[Fact, Any], today: date) -> SchemeResult | None:
        value, reasons, missing = self._judge(
            "financement:" + scheme.id,
            scheme.eligibility,
            facts,
            "Dispositif ouvert à tous les porteurs et usages.",
        )
        if value is False:
            return None
        timing = scheme.timing(today)
        days_left = None
        if timing.status == SchemeStatus.OPEN and timing.closes:
            left = (timing.closes - today).days
            if left <= SOON_DAYS:
                days_left = left
        return SchemeResult(
            scheme, APPLICABLE if value else A_VERIFIER, timing, days_left, list(reasons), missing
        )

    def compute(
        self,
        facts: Mapping[Fact, Any],
        today: date | None = None,
        commune_name: str | None = None,
        warnings: list[str] | None = None,
    ) -> PathResult:
        today = today or date.today()
        cat = self.catalogs
        territory = {fid: v for (kind, fid), v in facts.items() if kind == KIND_TERRITORY}
        schemes: dict[str, SchemeResult | None] = {}
        contacts: dict[str, list[ContactResult]] = {}
        steps: list[StepResult] = []
        for step in cat.steps:
            value, reasons, missing = self._judge("etape:" + step.id, step.condition, facts, ALWAYS)
            if value is False:
                continue
            item = StepResult(
                step,
                cat.phases_by_id[step.phase],
                APPLICABLE if value else A_VERIFIER,
                list(reasons),
                missing,
            )
            for type_id in step.contact_types:
                if type_id not in contacts:
                    contacts[type_id] = self.contacts_for(type_id, territory, commune_name)
                item.contacts += contacts[type_id]
            for sid in step.schemes:
                if sid not in schemes:
                    schemes[sid] = self.scheme_result(cat.schemes[sid], facts, today)
                found = schemes[sid]
                if found is not None and found.available:
                    item.schemes.append(found)
            item.resources = [cat.resources[r] for r in step.resources]
            steps.append(item)
        eligible = [s for s in schemes.values() if s is not None]
        eligible.sort(key=lambda s: STATUS_ORDER[s.status])
        seen_contacts: dict[str, ContactResult] = {}
        seen_resources: dict[str, Resource] = {}
        for item in steps:
            for c in item.contacts:
                seen_contacts.setdefault(c.id, c)
            for r in item.resources:
                seen_resources.setdefault(r.id, r)
        return PathResult(
            steps,
            eligible,
            list(seen_contacts.values()),
            list(seen_resources.values()),
            list(warnings or []),
            today,
        )


def missing_keys(items: list[Missing]) -> list[str]:
    return [m.key for m in items]
