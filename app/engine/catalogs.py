"""Reference catalogs: phases, steps, funding schemes, contacts and resources (``data/``).

YAML keys are French (editors write them); Python attributes are English. This module is the
single translation point: one small parser per kind of item, all sharing :class:`_Reader`.

``load_catalogs(data_dir, vocabulary=None, today=None)`` reads every file, validates everything
and raises :class:`ContentInvalid` listing *every* error with file, line and id (schema,
duplicate ids, unknown phase / prerequisite / contact type / scheme / resource, prerequisite
cycles, bad dates, non-https URLs, ``verifie_le`` in the future, conditions checked against the
vocabulary). Steps are stored in their stable topological order (phase order, then declared
prerequisites, then file order). Only :func:`app.engine.content.load_content` calls it.

Every item carries its provenance: ``sources`` (the exact pages that back it), ``checked_on``
(``verifie_le``: the day it was checked against them), a user-facing ``note`` and
``to_confirm`` (``a_confirmer``: an open doubt, shown « À confirmer »), and ``editorial``
(``redaction``: editors' notes, never rendered nor served). No Flask import.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.engine import conditions
from app.engine.conditions import KIND_QUESTION, FactInfo, Vocabulary
from app.engine.content_rules import future_date
from app.engine.vocabulaire import CNIG_ENUMS, PORTEURS  # one list of project holders
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FINANCE = ("etudes", "foncier", "depollution", "demolition", "deficit", "travaux", "ingenierie")
NATURES = ("subvention", "pret", "ingenierie", "portage", "fiscal", "autre")
RECURRENCES = ("permanent", "annuelle", "ponctuelle")
RESOURCE_TYPES = ("outil", "guide", "texte", "donnees")
COVERAGE_KEYS = ("regions", "departements", "epci", "communes")
ANNUAIRE_URL = "https://lannuaire.service-public.gouv.fr/"

COMMON_KEYS = {"id", "sources", "verifie_le", "note", "a_confirmer", "redaction"}
STEP_KEYS = COMMON_KEYS | {
    "phase",
    "titre",
    "objectif",
    "actions",
    "qui",
    "duree",
    "cout",
    "si",
    "apres",
    "contacts",
    "financements",
    "ressources",
}
SCHEME_KEYS = COMMON_KEYS | {
    "nom",
    "financeur",
    "nature",
    "finance",
    "beneficiaires",
    "usages",
    "si",
    "taux",
    "plafond",
    "calendrier",
    "candidater",
    "url",
}
CALENDAR_KEYS = {"recurrence", "edition", "derniere_cloture", "fin", "base_legale"}
EDITION_KEYS = {"annee", "ouverture", "cloture", "source", "publiee_le"}
TYPE_KEYS = COMMON_KEYS | {"nom", "role", "annuaire", "url"}
CONTACT_KEYS = COMMON_KEYS | {"type", "nom", "url", "couvre", "statut_epf", "perimetre_partiel"}
RESOURCE_KEYS = COMMON_KEYS | {"titre", "description", "url", "type"}
SOURCE_KEYS = {"url", "titre", "generale"}
NAMED_KEYS = {"id", "titre", "si", "redaction"}
NAMED_FILE = "conditions.yaml"


class SchemeStatus(StrEnum):
    OPEN = "ouvert"
    UPCOMING = "a_venir"
    CLOSED = "clos"


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    general: bool = False  # a general page (directory, home page) is the right target


@dataclass(frozen=True, kw_only=True)
class Item:
    """What every catalog item has: its id, its provenance and where it is written."""

    id: str
    sources: tuple[Source, ...] = ()
    checked_on: date | None = None
    note: str | None = None  # shown to users
    to_confirm: str | None = None  # shown « À confirmer »: an open doubt
    editorial: str | None = None  # editors only: never rendered nor served
    file: str = ""
    line: int | None = None

    @property
    def verified(self) -> bool:
        """Checked against its sources, with no open doubt."""
        return self.checked_on is not None and not self.to_confirm


@dataclass(frozen=True)
class Phase:
    id: str
    title: str
    index: int


@dataclass(frozen=True, kw_only=True)
class Step(Item):
    phase: str
    title: str
    objective: str
    actions: tuple[str, ...] = ()
    who: str = ""
    condition: Any = None
    after: tuple[str, ...] = ()
    contact_types: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    duration: str | None = None
    cost: str | None = None
    order: int = 0  # position in the global topological order


@dataclass(frozen=True)
class Edition:
    """The current edition of a scheme (or the current offer), confirmed by a dated source."""

    source: str
    published_on: date
    year: int | None = None
    opens: date | None = None
    closes: date | None = None


@dataclass(frozen=True)
class Timing:
    """A scheme's status on a given day, and the dates that explain it."""

    status: SchemeStatus
    confirmed: bool  # the calendar shown is the current one, confirmed by a source
    opens: date | None = None
    closes: date | None = None  # deadline of the current edition
    last_deadline: date | None = None  # when no current edition is confirmed


@dataclass(frozen=True)
class Calendar:
    recurrence: str
    edition: Edition | None = None
    last_deadline: date | None = None
    end: date | None = None
    legal_basis: Source | None = None

    def timing(self, today: date) -> Timing:
        """« No date » never means open: a scheme is open only with a confirmed current edition
        or a cited legal basis; past its end it is closed."""
        if self.end and today > self.end:
            return Timing(SchemeStatus.CLOSED, True, last_deadline=self.end)
        edition = self.edition
        if edition is not None:
            if edition.opens and today < edition.opens:
                return Timing(SchemeStatus.UPCOMING, True, edition.opens, edition.closes)
            if edition.closes and today > edition.closes:
                if self.recurrence == "ponctuelle":
                    return Timing(SchemeStatus.CLOSED, True, last_deadline=edition.closes)
                return Timing(SchemeStatus.UPCOMING, False, last_deadline=edition.closes)
            return Timing(SchemeStatus.OPEN, True, edition.opens, edition.closes)
        if self.recurrence == "permanent" and self.legal_basis is not None:
            return Timing(SchemeStatus.OPEN, True)
        if self.recurrence == "ponctuelle" and self.last_deadline and today > self.last_deadline:
            return Timing(SchemeStatus.CLOSED, True, last_deadline=self.last_deadline)
        return Timing(SchemeStatus.UPCOMING, False, last_deadline=self.last_deadline)


@dataclass(frozen=True, kw_only=True)
class Scheme(Item):
    name: str
    funder: str
    nature: str
    finances: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    uses: tuple[str, ...]  # empty = every use
    condition: Any  # the ``si`` of the file
    calendar: Calendar
    how_to_apply: str
    url: str
    rate: str | None = None
    ceiling: str | None = None
    eligibility: Any = None  # beneficiaries + uses + condition, as one condition

    def timing(self, today: date) -> Timing:
        return self.calendar.timing(today)

    def status(self, today: date) -> SchemeStatus:
        return self.timing(today).status


@dataclass(frozen=True, kw_only=True)
class ContactType(Item):
    name: str
    role: str
    directory_code: str | None = None  # Annuaire de l'administration type, if any
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Contact(Item):
    type: str
    name: str
    url: str | None  # None: the official directory is linked instead
    covers: Mapping[str, frozenset[str]]  # empty = national
    epf_status: str | None = None
    partial_perimeter: bool = False


@dataclass(frozen=True, kw_only=True)
class Resource(Item):
    title: str
    description: str
    url: str
    kind: str


@dataclass(frozen=True)
class NamedCondition:
    """A condition written once (``data/conditions.yaml``) and referenced by id; its title is the
    reason users read when it holds (« Le sol est peut-être pollué »)."""

    id: str
    title: str
    condition: Any
    file: str = ""
    line: int | None = None


@dataclass
class Catalogs:
    phases: list[Phase]
    steps: list[Step]  # topological order
    schemes: dict[str, Scheme]
    contact_types: dict[str, ContactType]
    contacts: list[Contact]
    resources: dict[str, Resource]
    steps_by_id: dict[str, Step] = field(default_factory=dict)
    phases_by_id: dict[str, Phase] = field(default_factory=dict)
    contacts_by_type: dict[str, list[Contact]] = field(default_factory=dict)
    named_conditions: dict[str, NamedCondition] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.steps_by_id = {s.id: s for s in self.steps}
        self.phases_by_id = {p.id: p for p in self.phases}
        by_type: dict[str, list[Contact]] = {}
        for contact in self.contacts:
            by_type.setdefault(contact.type, []).append(contact)
        self.contacts_by_type = by_type


# --- field readers -------------------------------------------------------------------------------


class _Reader:
    """Collects every error; each helper reads one field of one item and reports what is wrong."""

    def __init__(self, root: Path, today: date):
        self.root = root
        self.today = today
        self.errors: list[ContentError] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, file: str, node: Any, item_id: str | None, message: str) -> None:
        self.errors.append(ContentError(file, line_of(node), item_id, message))

    def text(self, file: str, item: Mapping, key: str, iid: str | None, required: bool = True) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                self.add(file, item, iid, f"champ obligatoire « {key} » manquant")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(file, item, iid, f"« {key} » doit être un texte non vide")
            return None
        return value.strip()

    def str_list(
        self, file: str, item: Mapping, key: str, iid: str | None, allowed: tuple[str, ...] | None = None
    ) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(file, item, iid, f"« {key} » doit être une liste de textes")
            return ()
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                self.add(
                    file,
                    item,
                    iid,
                    f"« {key} » : valeur(s) inconnue(s) {bad} (possibles : {', '.join(allowed)})",
                )
        return tuple(value)

    def https(self, file: str, node: Any, iid: str | None, url: Any, what: str = "url") -> str:
        if not isinstance(url, str) or not url.startswith("https://") or " " in url:
            self.add(file, node, iid, f"« {what} » doit être une adresse https:// (reçu {url!r})")
            return ""
        return url

    def date(self, file: str, node: Any, iid: str | None, value: Any, what: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.add(file, node, iid, f"« {what} » doit être une date AAAA-MM-JJ (reçu {value!r})")
        return None

    def unknown_keys(self, file: str, node: Mapping, iid: str | None, keys: set[str], what: str = "") -> None:
        unknown = sorted(str(k) for k in node if k not in keys)
        if unknown:
            self.add(file, node, iid, f"champ(s) inconnu(s){what} : {', '.join(unknown)}")

    def source(self, file: str, raw: Any, iid: str | None, fallback: Any) -> Source | None:
        if not isinstance(raw, Mapping) or not raw.get("titre"):
            self.add(file, raw if raw is not None else fallback, iid, "source sans « titre » ou mal formée")
            return None
        self.unknown_keys(file, raw, iid, SOURCE_KEYS, " dans une source")
        general = raw.get("generale", False)
        if not isinstance(general, bool):
            self.add(file, raw, iid, "« generale » doit valoir true ou false")
            general = False
        return Source(self.https(file, raw, iid, raw.get("url"), "sources.url"), str(raw["titre"]), general)

    def provenance(self, file: str, item: Mapping, iid: str | None, keys: set[str]) -> dict[str, Any]:
        """The fields every item shares, as keyword arguments of :class:`Item`."""
        self.unknown_keys(file, item, iid, keys)
        sources: list[Source] = []
        raw = item.get("sources")
        if not isinstance(raw, list) or not raw:
            self.add(file, item, iid, "« sources » doit être une liste non vide de {url, titre}")
        else:
            sources = [s for s in (self.source(file, src, iid, item) for src in raw) if s is not None]
        checked = self.date(file, item, iid, item.get("verifie_le"), "verifie_le")
        for message in future_date(checked, self.today):
            self.add(file, item, iid, message)
        return {
            "id": iid or "",
            "sources": tuple(sources),
            "checked_on": checked,
            "note": self.text(file, item, "note", iid, required=False),
            "to_confirm": self.text(file, item, "a_confirmer", iid, required=False),
            "editorial": self.text(file, item, "redaction", iid, required=False),
            "file": file,
            "line": line_of(item),
        }

    def items(self, path: Path) -> list[tuple[str, Mapping]]:
        """(display file name, item) pairs of one YAML list file."""
        name = self.name(path)
        try:
            data = load_yaml(path, name)
        except ContentInvalid as exc:
            self.errors += exc.errors
            return []
        if data is None:
            return []
        if not isinstance(data, list):
            self.add(name, data, None, "le fichier doit contenir une liste d'éléments")
            return []
        out = []
        for item in data:
            if not isinstance(item, Mapping):
                self.add(name, data, None, f"élément mal formé (un bloc clé: valeur est attendu) : {item!r}")
                continue
            out.append((name, item))
        return out

    def folder(self, sub: str, exclude: tuple[str, ...] = ()) -> list[tuple[str, Mapping]]:
        folder = self.root / sub
        if not folder.is_dir():
            self.add(self.name(folder), None, None, "dossier manquant")
            return []
        out = []
        for path in sorted(folder.glob("*.yaml")):
            if path.name not in exclude:
                out += self.items(path)
        return out

    def ident(self, file: str, item: Mapping, seen: dict[str, str]) -> str | None:
        iid = item.get("id")
        if not isinstance(iid, str) or not ID_RE.match(iid):
            self.add(
                file,
                item,
                str(iid) if iid is not None else None,
                "« id » manquant ou mal formé (minuscules, chiffres et tirets)",
            )
            return None
        if iid in seen:
            self.add(file, item, iid, f"identifiant en double (déjà défini dans {seen[iid]})")
            return None
        seen[iid] = f"{file}, ligne {line_of(item)}"
        return iid

    def condition(self, file: str, item: Mapping, iid: str, resolve) -> Any:
        cond = item.get("si")
        if cond is None:
            return None
        for message in conditions.check(cond, resolve):
            self.add(file, cond if line_of(cond) else item, iid, message)
        return cond


def _resolver(vocabulary: Vocabulary | None, all_conditions: list[Any]):
    """Fact resolver for conditions.check. Without a questionnaire vocabulary, facts of the default
    vocabulary are checked fully and other questions are accepted with a type inferred from use."""
    if vocabulary is not None:
        return vocabulary.get
    from app.engine.vocabulaire import default_vocabulary

    vocab = default_vocabulary()
    ops: dict[tuple[str, str], set[str]] = {}
    for cond in all_conditions:
        for atom in conditions.atoms(cond):
            for kind in conditions.KINDS:
                if kind in atom:
                    ops.setdefault((kind, str(atom[kind])), set()).update(
                        k for k in atom if k in conditions.OPERATORS
                    )

    def resolve(fact):
        if fact in vocab:
            return vocab[fact]
        if fact[0] != KIND_QUESTION:
            return None
        used = ops.get(fact, set())
        if used & set(conditions.NUMERIC_OPERATORS):
            return FactInfo(fact[1], "nombre")
        if conditions.OP_CONTAINS in used:
            return FactInfo(fact[1], "choix_multiple")
        return FactInfo(fact[1], "texte")

    return resolve


# --- one parser per kind -------------------------------------------------------------------------


def _parse_phases(r: _Reader) -> list[Phase]:
    path = r.root / "phases.yaml"
    if not path.exists():
        r.add(r.name(path), None, None, "fichier des phases manquant")
        return []
    phases: list[Phase] = []
    seen: dict[str, str] = {}
    for file, item in r.items(path):
        pid = r.ident(file, item, seen)
        title = r.text(file, item, "titre", pid)
        r.unknown_keys(file, item, pid, {"id", "titre"})
        if pid and title:
            phases.append(Phase(pid, title, len(phases)))
    return phases


def _parse_resource(r: _Reader, file: str, item: Mapping, iid: str | None) -> Resource | None:
    common = r.provenance(file, item, iid, RESOURCE_KEYS)
    title = r.text(file, item, "titre", iid)
    description = r.text(file, item, "description", iid, required=False) or ""
    url = r.https(file, item, iid, item.get("url"))
    kind = item.get("type")
    if kind not in RESOURCE_TYPES:
        r.add(file, item, iid, f"« type » doit valoir {', '.join(RESOURCE_TYPES)} (reçu {kind!r})")
    if not (iid and title):
        return None
    return Resource(**common, title=title, description=description, url=url, kind=str(kind))


def _parse_contact_type(r: _Reader, file: str, item: Mapping, iid: str | None) -> ContactType | None:
    common = r.provenance(file, item, iid, TYPE_KEYS)
    name = r.text(file, item, "nom", iid)
    role = r.text(file, item, "role", iid, required=False) or ""
    code = item.get("annuaire")
    if code is not None and not isinstance(code, str):
        r.add(file, item, iid, "« annuaire » doit être un code texte")
        code = None
    url = r.https(file, item, iid, item["url"]) if item.get("url") is not None else None
    if not (iid and name):
        return None
    return ContactType(**common, name=name, role=role, directory_code=code, url=url or None)


def _parse_coverage(r: _Reader, file: str, item: Mapping, iid: str | None) -> dict[str, frozenset[str]]:
    covers: dict[str, frozenset[str]] = {}
    raw = item.get("couvre")
    if raw is None:
        return covers
    if not isinstance(raw, Mapping) or not raw:
        r.add(file, item, iid, f"« couvre » doit lister {', '.join(COVERAGE_KEYS)}")
        return covers
    for key, codes in raw.items():
        if key not in COVERAGE_KEYS:
            r.add(
                file,
                raw,
                iid,
                f"« couvre » : clé inconnue « {key} » (possibles : {', '.join(COVERAGE_KEYS)})",
            )
        elif not isinstance(codes, list) or not all(isinstance(x, (str, int)) for x in codes):
            r.add(file, raw, iid, f"« couvre.{key} » doit être une liste de codes (entre guillemets)")
        else:
            covers[key] = frozenset(str(x) for x in codes)
    return covers


def _parse_contact(
    r: _Reader, file: str, item: Mapping, iid: str | None, types: Mapping[str, ContactType]
) -> Contact | None:
    common = r.provenance(file, item, iid, CONTACT_KEYS)
    name = r.text(file, item, "nom", iid)
    ctype = item.get("type")
    if ctype not in types:
        r.add(file, item, iid, f"type de contact inconnu « {ctype} » (voir contacts/types.yaml)")
    url = r.https(file, item, iid, item["url"]) if item.get("url") is not None else None
    covers = _parse_coverage(r, file, item, iid)
    epf_status = item.get("statut_epf")
    if epf_status is not None and epf_status not in ("etat", "local"):
        r.add(file, item, iid, f"« statut_epf » doit valoir etat ou local (reçu {epf_status!r})")
    partial = item.get("perimetre_partiel", False)
    if not isinstance(partial, bool):
        r.add(file, item, iid, "« perimetre_partiel » doit valoir true ou false")
        partial = False
    if not (iid and name and ctype in types):
        return None
    return Contact(
        **common,
        type=str(ctype),
        name=name,
        url=url or None,
        covers=covers,
        epf_status=epf_status,
        partial_perimeter=partial,
    )


def _parse_edition(
    r: _Reader, file: str, raw: Any, iid: str | None, sources: tuple[Source, ...]
) -> Edition | None:
    if not isinstance(raw, Mapping):
        r.add(
            file,
            raw,
            iid,
            "« calendrier.edition » doit être un bloc (source, publiee_le, ouverture, cloture)",
        )
        return None
    r.unknown_keys(file, raw, iid, EDITION_KEYS, " dans « calendrier.edition »")
    source = r.https(file, raw, iid, raw.get("source"), "calendrier.edition.source")
    if source and source not in {s.url for s in sources}:
        r.add(file, raw, iid, "« calendrier.edition.source » doit figurer aussi dans « sources »")
    published = r.date(file, raw, iid, raw.get("publiee_le"), "calendrier.edition.publiee_le")
    if raw.get("publiee_le") is None:
        r.add(
            file, raw, iid, "« calendrier.edition » doit dire quand l'édition a été publiée (« publiee_le »)"
        )
    opens = r.date(file, raw, iid, raw.get("ouverture"), "calendrier.edition.ouverture")
    closes = r.date(file, raw, iid, raw.get("cloture"), "calendrier.edition.cloture")
    if opens and closes and opens > closes:
        r.add(file, raw, iid, "la date d'ouverture est postérieure à la date de clôture")
    year = raw.get("annee")
    if year is not None and not isinstance(year, int):
        r.add(file, raw, iid, "« calendrier.edition.annee » doit être une année")
        year = None
    if not (source and published):
        return None
    return Edition(source, published, year, opens, closes)


def _parse_calendar(
    r: _Reader, file: str, item: Mapping, iid: str | None, sources: tuple[Source, ...]
) -> Calendar:
    raw = item.get("calendrier")
    if not isinstance(raw, Mapping):
        r.add(file, item, iid, "champ obligatoire « calendrier » manquant (au moins « recurrence »)")
        return Calendar("ponctuelle")
    r.unknown_keys(file, raw, iid, CALENDAR_KEYS, " dans « calendrier »")
    recurrence = raw.get("recurrence")
    if recurrence not in RECURRENCES:
        r.add(
            file,
            raw,
            iid,
            f"« calendrier.recurrence » doit valoir {', '.join(RECURRENCES)} (reçu {recurrence!r})",
        )
        recurrence = "ponctuelle"
    edition = (
        _parse_edition(r, file, raw["edition"], iid, sources) if raw.get("edition") is not None else None
    )
    legal = None
    if raw.get("base_legale") is not None:
        legal = r.source(file, raw["base_legale"], iid, raw)
        if recurrence != "permanent":
            r.add(file, raw, iid, "« calendrier.base_legale » ne vaut que pour un dispositif permanent")
    return Calendar(
        str(recurrence),
        edition,
        r.date(file, raw, iid, raw.get("derniere_cloture"), "calendrier.derniere_cloture"),
        r.date(file, raw, iid, raw.get("fin"), "calendrier.fin"),
        legal,
    )


def _parse_scheme(r: _Reader, file: str, item: Mapping, iid: str | None, resolve) -> Scheme | None:
    common = r.provenance(file, item, iid, SCHEME_KEYS)
    name = r.text(file, item, "nom", iid)
    funder = r.text(file, item, "financeur", iid) or ""
    nature = item.get("nature")
    if nature not in NATURES:
        r.add(file, item, iid, f"« nature » doit valoir {', '.join(NATURES)} (reçu {nature!r})")
    finances = r.str_list(file, item, "finance", iid, FINANCE)
    if not finances:
        r.add(file, item, iid, "« finance » doit lister ce que le dispositif finance")
    beneficiaries = r.str_list(file, item, "beneficiaires", iid, PORTEURS)
    if not beneficiaries:
        r.add(file, item, iid, "« beneficiaires » doit lister au moins un porteur")
    uses = r.str_list(file, item, "usages", iid, CNIG_ENUMS["site_reconv_type"])
    cond = r.condition(file, item, iid or "?", resolve)
    calendar = _parse_calendar(r, file, item, iid, common["sources"])
    how_to_apply = r.text(file, item, "candidater", iid, required=False) or ""
    url = r.https(file, item, iid, item.get("url"))
    rate, ceiling = item.get("taux"), item.get("plafond")
    for key, value in (("taux", rate), ("plafond", ceiling)):
        if value is not None and not isinstance(value, str):
            r.add(file, item, iid, f"« {key} » doit être un texte (avec sa source)")
    if not (iid and name):
        return None
    parts: list[Any] = [{"question": "porteur", "est": list(beneficiaries)}] if beneficiaries else []
    if uses:
        parts.append({"question": "usage", "est": list(uses)})
    if cond is not None:
        parts.append(cond)
    return Scheme(
        **common,
        name=name,
        funder=funder,
        nature=str(nature),
        finances=finances,
        beneficiaries=beneficiaries,
        uses=uses,
        condition=cond,
        calendar=calendar,
        how_to_apply=how_to_apply,
        url=url,
        rate=rate if isinstance(rate, str) else None,
        ceiling=ceiling if isinstance(ceiling, str) else None,
        eligibility={conditions.ALL: parts} if parts else None,
    )


def _parse_step(
    r: _Reader,
    file: str,
    item: Mapping,
    iid: str | None,
    resolve,
    known: Mapping[str, Any],
) -> Step | None:
    """``known``: phases, contact types, scheme ids and resources the step may reference."""
    common = r.provenance(file, item, iid, STEP_KEYS)
    phase = item.get("phase")
    if phase not in known["phases"]:
        r.add(file, item, iid, f"phase inconnue « {phase} » (possibles : {', '.join(known['phases'])})")
    title = r.text(file, item, "titre", iid)
    references = {}
    for key, what, where in (
        ("contacts", "type de contact inconnu « {} » (voir contacts/types.yaml)", "types"),
        ("financements", "financement inconnu « {} »", "schemes"),
        ("ressources", "ressource inconnue « {} »", "resources"),
    ):
        references[key] = r.str_list(file, item, key, iid)
        for ref in references[key]:
            if ref not in known[where]:
                r.add(file, item, iid, what.format(ref))
    for key in ("duree", "cout"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            r.add(file, item, iid, f"« {key} » doit être un texte")
    cond = r.condition(file, item, iid or "?", resolve)
    if not (iid and title and phase in known["phases"]):
        return None
    return Step(
        **common,
        phase=str(phase),
        title=title,
        objective=r.text(file, item, "objectif", iid) or "",
        actions=r.str_list(file, item, "actions", iid),
        who=r.text(file, item, "qui", iid, required=False) or "",
        condition=cond,
        after=r.str_list(file, item, "apres", iid),
        contact_types=references["contacts"],
        schemes=references["financements"],
        resources=references["ressources"],
        duration=item.get("duree"),
        cost=item.get("cout"),
    )


def _parse_all(r: _Reader, raw: list[tuple[str, Mapping]], parse) -> list:
    """Parse every raw item of a kind with ``parse(file, item, id)``; ids unique within the kind."""
    seen: dict[str, str] = {}
    out = []
    for file, item in raw:
        iid = r.ident(file, item, seen)
        parsed = parse(file, item, iid)
        if parsed is not None:
            out.append(parsed)
    return out


# --- loading -------------------------------------------------------------------------------------


def load_catalogs(
    data_dir: str | Path, vocabulary: Vocabulary | None = None, today: date | None = None
) -> Catalogs:
    """Load and validate every catalog under ``data_dir``; raise ContentInvalid with all errors."""
    r = _Reader(Path(data_dir), today or date.today())
    phases = _parse_phases(r)
    # Raw items first, so that conditions can be checked with operators seen across catalogs.
    raw_steps = r.folder("etapes")
    raw_schemes = r.folder("financements")
    types_path = r.root / "contacts" / "types.yaml"
    if not types_path.exists():
        r.add(r.name(types_path), None, None, "fichier des types de contacts manquant")
    raw_types = r.items(types_path) if types_path.exists() else []
    raw_contacts = r.folder("contacts", exclude=("types.yaml",))
    raw_resources = r.folder("ressources")
    raw_named = r.items(r.root / NAMED_FILE) if (r.root / NAMED_FILE).exists() else []
    resolve = _resolver(
        vocabulary,
        [i.get("si") for _, i in raw_steps + raw_schemes + raw_named if i.get("si") is not None],
    )
    named = _parse_named(r, raw_named, resolve)
    for _, item in raw_steps + raw_schemes:
        expand_named(item.get("si"), named)

    resources = {
        x.id: x for x in _parse_all(r, raw_resources, lambda f, i, iid: _parse_resource(r, f, i, iid))
    }
    _add_library(r, phases, resources)
    types = {x.id: x for x in _parse_all(r, raw_types, lambda f, i, iid: _parse_contact_type(r, f, i, iid))}
    contacts = _parse_all(r, raw_contacts, lambda f, i, iid: _parse_contact(r, f, i, iid, types))
    schemes = {
        x.id: x for x in _parse_all(r, raw_schemes, lambda f, i, iid: _parse_scheme(r, f, i, iid, resolve))
    }
    phases_by_id = {p.id: p for p in phases}
    known = {
        "phases": phases_by_id,
        "types": types,
        "schemes": {str(i.get("id")) for _, i in raw_schemes},
        "resources": resources,
    }
    steps = _parse_all(r, raw_steps, lambda f, i, iid: _parse_step(r, f, i, iid, resolve, known))
    _check_prerequisites(r, raw_steps)
    ordered = _topological(steps, phases_by_id, r)
    if r.errors:
        raise ContentInvalid(r.errors)
    return Catalogs(phases, ordered, schemes, types, contacts, resources, named_conditions=named)


def expand_named(node: Any, named: Mapping[str, NamedCondition]) -> None:
    """Expand in place each reference ``{condition: id}`` to a known named condition into
    ``{condition: id, titre: …, si: body}`` (see conditions.NAMED); unknown ids stay as written
    and conditions.check reports them with the file and line."""
    if isinstance(node, list):
        for child in node:
            expand_named(child, named)
    elif isinstance(node, dict):
        if conditions.NAMED in node:
            found = named.get(str(node[conditions.NAMED]))
            if found is not None and len(node) == 1:
                node["titre"], node["si"] = found.title, found.condition
            return
        for key, child in node.items():
            if key in conditions.COMBINATORS:
                expand_named(child, named)


def _parse_named(r: _Reader, raw: list[tuple[str, Mapping]], resolve) -> dict[str, NamedCondition]:
    """``data/conditions.yaml``: each may reference the ones written above it."""
    named: dict[str, NamedCondition] = {}
    seen: dict[str, str] = {}
    for file, item in raw:
        iid = r.ident(file, item, seen)
        r.unknown_keys(file, item, iid, NAMED_KEYS)
        title = r.text(file, item, "titre", iid)
        if item.get("si") is None:
            r.add(file, item, iid, "champ obligatoire « si » manquant")
            continue
        expand_named(item["si"], named)
        cond = r.condition(file, item, iid or "?", resolve)
        if iid and title:
            named[iid] = NamedCondition(iid, title, cond, file, line_of(item))
    return named


def _add_library(r: _Reader, phases: list[Phase], resources: dict[str, Resource]) -> None:
    """The resource library (``data/ressources/*.md``, :mod:`app.engine.resources`) joins the
    YAML resources, so that steps link both by id."""
    from app.engine.resources import load_library  # it imports this module

    library, errors = load_library(r.root / "ressources", [p.id for p in phases], r.today, r.root.parent)
    r.errors += errors
    for rid, resource in library.items():
        if rid in resources:
            r.add(resource.file, None, rid, f"identifiant en double (déjà défini dans {resources[rid].file})")
        else:
            resources[rid] = resource


def _check_prerequisites(r: _Reader, raw_steps: list[tuple[str, Mapping]]) -> None:
    ids = {i.get("id") for _, i in raw_steps}
    for file, item in raw_steps:
        after = item.get("apres")
        iid = item.get("id")
        for prereq in after if isinstance(after, list) else ():
            if prereq == iid:
                r.add(file, item, iid, "une étape ne peut pas être son propre prérequis")
            elif prereq not in ids:
                r.add(file, item, iid, f"prérequis inconnu « {prereq} » (« apres »)")


def _topological(steps: list[Step], phases: dict[str, Phase], r: _Reader) -> list[Step]:
    """Stable topological order: a step comes after its prerequisites; among ready steps, the
    earliest phase first, then file order. Reports cycles."""
    by_id = {s.id: s for s in steps}
    position = {s.id: i for i, s in enumerate(steps)}
    deps = {s.id: {p for p in s.after if p in by_id and p != s.id} for s in steps}
    dependents: dict[str, list[str]] = {s.id: [] for s in steps}
    for sid, ds in deps.items():
        for d in ds:
            dependents[d].append(sid)
    remaining = {sid: len(ds) for sid, ds in deps.items()}
    heap = [(phases[s.phase].index, position[s.id], s.id) for s in steps if not remaining[s.id]]
    heapq.heapify(heap)
    out: list[Step] = []
    while heap:
        _, _, sid = heapq.heappop(heap)
        out.append(replace(by_id[sid], order=len(out)))
        for nxt in dependents[sid]:
            remaining[nxt] -= 1
            if not remaining[nxt]:
                heapq.heappush(heap, (phases[by_id[nxt].phase].index, position[nxt], nxt))
    for step in steps:
        if remaining[step.id]:
            blocking = sorted(d for d in deps[step.id] if remaining[d])
            r.errors.append(
                ContentError(
                    step.file,
                    step.line,
                    step.id,
                    f"cycle de prérequis (« apres ») avec : {', '.join(blocking)}",
                )
            )
    return out
