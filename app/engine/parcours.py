"""Path computation: from facts (answers + territory) to the ordered, explained list of steps with
their contacts, funding schemes and resources. No Flask import.

Every result carries its trace: ``reasons`` (readable conditions that made it applicable) and,
for ``a_verifier`` items, ``missing`` (the facts whose answer would settle it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from app.engine.catalogs import ANNUAIRE_URL, Catalogs, Contact, ContactType, Phase, Resource, Scheme, Step
from app.engine.conditions import KIND_TERRITORY, Evaluation, Fact, Vocabulary, evaluate, referenced_facts

APPLICABLE = "applicable"
A_VERIFIER = "a_verifier"
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
    eligibility: str  # applicable | a_verifier
    status: str  # ouvert | a_venir | clos
    days_left: int | None  # days before closing when open and closing soon
    reasons: list[str]
    missing: list[Missing]

    @property
    def id(self) -> str:
        return self.scheme.id

    @property
    def available(self) -> bool:
        return self.status != "clos"

    @property
    def closing_soon(self) -> bool:
        return self.days_left is not None


@dataclass
class ContactResult:
    id: str
    type: ContactType
    nom: str
    url: str
    verified: bool  # False: link to the official directory, or coverage to confirm
    contact: Contact | None = None
    note: str | None = None

    @property
    def role(self) -> str:
        return self.type.role


@dataclass
class StepResult:
    step: Step
    phase: Phase
    status: str  # applicable | a_verifier
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
            reasons.append(f"À préciser : {m.label} (question « {m.id} »)")
    return reasons


def annuaire_link(ctype: ContactType, commune_name: str | None) -> str:
    """Official directory link for a type of office, narrowed to the commune when known."""
    if ctype.annuaire and commune_name:
        return f"{ANNUAIRE_URL}recherche?whoWhat={quote(ctype.nom.split(' — ')[0].split(' (')[0])}&where={quote(commune_name)}"
    return ANNUAIRE_URL


class PathEngine:
    """Computes paths over loaded catalogs. Stateless between calls; safe to share across threads."""

    def __init__(self, catalogs: Catalogs, vocabulary: Vocabulary | None = None):
        self.catalogs = catalogs
        if vocabulary is None:
            from app.engine.vocabulaire import default_vocabulary

            vocabulary = default_vocabulary()
        self.vocabulary = vocabulary
        # Precompiled once: the facts each condition reads (memo keys) and a contact index by code.
        self._refs: dict[str, tuple[Fact, ...]] = {}
        for step in catalogs.steps:
            self._refs["etape:" + step.id] = tuple(sorted(referenced_facts(step.si)))
        for scheme in catalogs.schemes.values():
            self._refs["financement:" + scheme.id] = tuple(sorted(referenced_facts(scheme.condition)))
        self._memo: dict[tuple, tuple[bool | None, list[str], list[Missing]]] = {}
        self._contact_memo: dict[tuple, list[ContactResult]] = {}
        self._index: dict[str, dict[tuple[str, str], list[Contact]]] = {}
        self._national: dict[str, list[Contact]] = {}
        for contact in catalogs.contacts:
            if not contact.couvre:
                self._national.setdefault(contact.type, []).append(contact)
            for key, codes in contact.couvre.items():
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
            return [
                ContactResult(
                    c.id,
                    ctype,
                    c.nom,
                    c.url,
                    verified=not c.perimetre_partiel,
                    contact=c,
                    note=(
                        "Intervient seulement pour ses intercommunalités membres : à vérifier."
                        if c.perimetre_partiel
                        else c.incertain
                    ),
                )
                for c in chosen
            ]
        nationals = self._national.get(type_id, [])
        if nationals:
            return [ContactResult(c.id, ctype, c.nom, c.url, True, c, c.incertain) for c in nationals]
        if type_id == "epf" and territory.get("commune"):
            return []  # no EPF here: never invent one
        return [
            ContactResult(
                f"annuaire-{type_id}",
                ctype,
                ctype.nom,
                annuaire_link(ctype, commune_name),
                False,
                note="Adresse à retrouver dans l'Annuaire de l'administration.",
            )
        ]

    def scheme_result(self, scheme: Scheme, facts: Mapping[Fact, Any], today: date) -> SchemeResult | None:
        value, reasons, missing = self._judge(
            "financement:" + scheme.id,
            scheme.condition,
            facts,
            "Dispositif ouvert à tous les porteurs et usages.",
        )
        if value is False:
            return None
        status = scheme.status(today)
        days_left = None
        if status == "ouvert" and scheme.cloture:
            left = (scheme.cloture - today).days
            if left <= SOON_DAYS:
                days_left = left
        return SchemeResult(
            scheme, APPLICABLE if value else A_VERIFIER, status, days_left, list(reasons), missing
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
            value, reasons, missing = self._judge("etape:" + step.id, step.si, facts, ALWAYS)
            if value is False:
                continue
            item = StepResult(
                step,
                cat.phases_by_id[step.phase],
                APPLICABLE if value else A_VERIFIER,
                list(reasons),
                missing,
            )
            for type_id in step.contacts:
                if type_id not in contacts:
                    contacts[type_id] = self.contacts_for(type_id, territory, commune_name)
                item.contacts += contacts[type_id]
            for sid in step.financements:
                if sid not in schemes:
                    schemes[sid] = self.scheme_result(cat.schemes[sid], facts, today)
                found = schemes[sid]
                if found is not None and found.available:
                    item.schemes.append(found)
            item.resources = [cat.resources[r] for r in step.ressources]
            steps.append(item)
        eligible = [s for s in schemes.values() if s is not None]
        eligible.sort(key=lambda s: {"ouvert": 0, "a_venir": 1, "clos": 2}[s.status])
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


def path_to_json(result: PathResult, territoire: Mapping | None) -> dict:
    """The API contract's response body for a computed path."""
    return {
        "territoire": territoire,
        "etapes": [
            {
                "id": s.step.id,
                "phase": s.phase.titre,
                "phase_id": s.phase.id,
                "titre": s.step.titre,
                "description": s.step.objectif,
                "actions": list(s.step.actions),
                "qui": s.step.qui,
                "statut": s.status,
                "pourquoi": s.reasons,
                "questions_a_preciser": missing_keys(s.missing),
                "contacts": [c.id for c in s.contacts],
                "financements": [f.id for f in s.schemes],
                "ressources": [r.id for r in s.resources],
                "a_confirmer": s.step.incertain,
            }
            for s in result.steps
        ],
        "contacts": [
            {
                "id": c.id,
                "nom": c.nom,
                "type": c.type.id,
                "role": c.role,
                "url": c.url,
                "verifie": c.verified,
                "remarque": c.note,
            }
            for c in result.contacts
        ],
        "financements": [scheme_json(s) for s in result.schemes],
        "ressources": [
            {"id": r.id, "titre": r.titre, "description": r.description, "url": r.url, "type": r.type}
            for r in result.resources
        ],
        "avertissements": result.warnings,
    }


def scheme_json(s: SchemeResult) -> dict:
    sch = s.scheme
    return {
        "id": sch.id,
        "nom": sch.nom,
        "financeur": sch.financeur,
        "nature": sch.nature,
        "finance": list(sch.finance),
        "statut": s.status,
        "date_ouverture": sch.ouverture.isoformat() if sch.ouverture else None,
        "date_limite": sch.cloture.isoformat() if sch.cloture else None,
        "jours_restants": s.days_left,
        "eligibilite": s.eligibility,
        "pourquoi": s.reasons,
        "questions_a_preciser": missing_keys(s.missing),
        "taux": sch.taux,
        "plafond": sch.plafond,
        "candidater": sch.candidater,
        "url": sch.url,
        "a_confirmer": sch.incertain,
    }
