"""Reference catalogs: phases, steps, funding schemes, contacts and resources (``data/``).

``load_catalogs(data_dir, vocabulary=None)`` reads every file, validates everything and raises
:class:`ContentInvalid` listing *every* error with file, line and id (schema, duplicate ids,
unknown phase / prerequisite / contact type / scheme / resource, prerequisite cycles, bad dates,
non-https URLs, ``verifie_le`` in the future, conditions checked against the vocabulary).

The result is immutable and meant to be loaded once per process (:func:`get_catalogs` caches it).
Steps are stored in their stable topological order (phase order, then declared prerequisites,
then file order). No Flask import.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.engine import conditions
from app.engine.conditions import KIND_QUESTION, FactInfo, Vocabulary
from app.engine.vocabulaire import CNIG_ENUMS
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FINANCE = ("etudes", "foncier", "depollution", "demolition", "deficit", "travaux", "ingenierie")
NATURES = ("subvention", "pret", "ingenierie", "portage", "fiscal", "autre")
RECURRENCES = ("permanent", "annuelle", "ponctuelle")
RESOURCE_TYPES = ("outil", "guide", "texte", "donnees")
COVERAGE_KEYS = ("regions", "departements", "epci", "communes")
PORTEURS = (
    "commune",
    "epci",
    "departement_region",
    "etat",
    "epf",
    "bailleur_social",
    "epl",
    "prive",
    "association",
)
ANNUAIRE_URL = "https://lannuaire.service-public.gouv.fr/"

COMMON_KEYS = {"id", "sources", "verifie_le", "incertain"}
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
    "description",
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
    "dates",
    "recurrence",
    "candidater",
    "url",
    "description",
}
TYPE_KEYS = COMMON_KEYS | {"nom", "role", "annuaire", "url"}
CONTACT_KEYS = COMMON_KEYS | {"type", "nom", "url", "couvre", "statut_epf", "perimetre_partiel", "role"}
RESOURCE_KEYS = COMMON_KEYS | {"titre", "description", "url", "type"}


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    titre: str


@dataclass(frozen=True)
class Phase:
    id: str
    titre: str
    index: int


@dataclass(frozen=True)
class Step:
    id: str
    phase: str
    titre: str
    objectif: str
    actions: tuple[str, ...]
    qui: str
    si: Any
    apres: tuple[str, ...]
    contacts: tuple[str, ...]  # contact TYPE ids
    financements: tuple[str, ...]
    ressources: tuple[str, ...]
    sources: tuple[Source, ...]
    verifie_le: date | None
    duree: str | None = None
    cout: str | None = None
    incertain: str | None = None
    order: int = 0  # position in the global topological order
    file: str = ""  # where the step is written (content errors, editors' tools)
    line: int | None = None


@dataclass(frozen=True)
class Scheme:
    id: str
    nom: str
    financeur: str
    nature: str
    finance: tuple[str, ...]
    beneficiaires: tuple[str, ...]
    usages: tuple[str, ...]  # empty = every use
    si: Any
    ouverture: date | None
    cloture: date | None
    recurrence: str
    candidater: str
    url: str
    sources: tuple[Source, ...]
    verifie_le: date | None
    taux: str | None = None
    plafond: str | None = None
    incertain: str | None = None
    condition: Any = None  # beneficiaries + uses + si, as one condition
    file: str = ""
    line: int | None = None

    def status(self, today: date) -> str:
        """``a_venir`` before opening, ``clos`` after closing, ``ouvert`` otherwise."""
        if self.ouverture and today < self.ouverture:
            return "a_venir"
        if self.cloture and today > self.cloture:
            return "clos"
        return "ouvert"


@dataclass(frozen=True)
class ContactType:
    id: str
    nom: str
    role: str
    annuaire: str | None
    sources: tuple[Source, ...]
    verifie_le: date | None


@dataclass(frozen=True)
class Contact:
    id: str
    type: str
    nom: str
    url: str
    couvre: Mapping[str, frozenset[str]]  # empty = national
    sources: tuple[Source, ...]
    verifie_le: date | None
    statut_epf: str | None = None
    perimetre_partiel: bool = False
    incertain: str | None = None


@dataclass(frozen=True)
class Resource:
    id: str
    titre: str
    description: str
    url: str
    type: str
    sources: tuple[Source, ...]
    verifie_le: date | None
    incertain: str | None = None


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

    def __post_init__(self) -> None:
        self.steps_by_id = {s.id: s for s in self.steps}
        self.phases_by_id = {p.id: p for p in self.phases}
        by_type: dict[str, list[Contact]] = {}
        for contact in self.contacts:
            by_type.setdefault(contact.type, []).append(contact)
        self.contacts_by_type = by_type


# --- validation helpers --------------------------------------------------------------------------


class _Collector:
    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, file: str, node: Any, item_id: str | None, message: str) -> None:
        self.errors.append(ContentError(file, line_of(node), item_id, message))


def _text(
    c: _Collector, file: str, item: Mapping, key: str, iid: str | None, required: bool = True
) -> str | None:
    value = item.get(key)
    if value is None:
        if required:
            c.add(file, item, iid, f"champ obligatoire « {key} » manquant")
        return None
    if not isinstance(value, str) or not value.strip():
        c.add(file, item, iid, f"« {key} » doit être un texte non vide")
        return None
    return value.strip()


def _str_list(
    c: _Collector, file: str, item: Mapping, key: str, iid: str | None, allowed: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(file, item, iid, f"« {key} » doit être une liste de textes")
        return ()
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            c.add(
                file, item, iid, f"« {key} » : valeur(s) inconnue(s) {bad} (possibles : {', '.join(allowed)})"
            )
    return tuple(value)


def _https(c: _Collector, file: str, node: Any, iid: str | None, url: Any, what: str = "url") -> str:
    if not isinstance(url, str) or not url.startswith("https://") or " " in url:
        c.add(file, node, iid, f"« {what} » doit être une adresse https:// (reçu {url!r})")
        return ""
    return url


def _date(c: _Collector, file: str, node: Any, iid: str | None, value: Any, what: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    c.add(file, node, iid, f"« {what} » doit être une date AAAA-MM-JJ (reçu {value!r})")
    return None


def _common(c: _Collector, file: str, item: Mapping, iid: str | None, keys: set[str], today: date):
    unknown = sorted(str(k) for k in item if k not in keys)
    if unknown:
        c.add(file, item, iid, f"champ(s) inconnu(s) : {', '.join(unknown)}")
    sources: list[Source] = []
    raw = item.get("sources")
    if not isinstance(raw, list) or not raw:
        c.add(file, item, iid, "« sources » doit être une liste non vide de {url, titre}")
    else:
        for src in raw:
            if not isinstance(src, Mapping) or not src.get("titre"):
                c.add(file, src if src is not None else item, iid, "source sans « titre » ou mal formée")
                continue
            url = _https(c, file, src, iid, src.get("url"), "sources.url")
            sources.append(Source(url, str(src["titre"])))
    checked = item.get("verifie_le")
    if checked is None:
        c.add(file, item, iid, "champ obligatoire « verifie_le » manquant")
        verified = None
    else:
        verified = _date(c, file, item, iid, checked, "verifie_le")
        if verified and verified > today:
            c.add(file, item, iid, f"« verifie_le » est dans le futur ({verified.isoformat()})")
    incertain = item.get("incertain")
    if incertain is not None and not (isinstance(incertain, str) and incertain.strip()):
        c.add(file, item, iid, "« incertain » doit être une phrase")
        incertain = None
    return tuple(sources), verified, incertain


def _items(c: _Collector, path: Path) -> list[tuple[str, Mapping]]:
    """(display file name, item) pairs of one YAML list file."""
    name = c.name(path)
    try:
        data = load_yaml(path, name)
    except ContentInvalid as exc:
        c.errors += exc.errors
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        c.add(name, data, None, "le fichier doit contenir une liste d'éléments")
        return []
    out = []
    for item in data:
        if not isinstance(item, Mapping):
            c.add(name, data, None, f"élément mal formé (un bloc clé: valeur est attendu) : {item!r}")
            continue
        out.append((name, item))
    return out


def _id(c: _Collector, file: str, item: Mapping, seen: dict[str, str]) -> str | None:
    iid = item.get("id")
    if not isinstance(iid, str) or not ID_RE.match(iid):
        c.add(
            file,
            item,
            str(iid) if iid is not None else None,
            "« id » manquant ou mal formé (minuscules, chiffres et tirets)",
        )
        return None
    if iid in seen:
        c.add(file, item, iid, f"identifiant en double (déjà défini dans {seen[iid]})")
        return None
    seen[iid] = f"{file}, ligne {line_of(item)}"
    return iid


def _resolver(vocabulary: Vocabulary | None, all_conditions: list[Any]):
    """Fact resolver for conditions.check. Without a questionnaire vocabulary, facts of the default
    vocabulary are checked fully and other questions are accepted with a type inferred from use."""
    if vocabulary is not None:
        return vocabulary.get
    from app.engine.vocabulaire import default_vocabulary

    vocab = default_vocabulary()
    ops: dict[tuple[str, str], set[str]] = {}

    def scan(cond: Any) -> None:
        if isinstance(cond, list):
            for child in cond:
                scan(child)
        elif isinstance(cond, Mapping):
            for key, child in cond.items():
                if key in conditions.COMBINATORS:
                    scan(child)
            for kind in conditions.KINDS:
                if kind in cond:
                    ops.setdefault((kind, str(cond[kind])), set()).update(
                        k for k in cond if k in conditions.OPERATORS
                    )

    for cond in all_conditions:
        scan(cond)

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


def _check_condition(c: _Collector, file: str, item: Mapping, iid: str, resolve) -> Any:
    cond = item.get("si")
    if cond is None:
        return None
    for message in conditions.check(cond, resolve):
        c.add(file, cond if line_of(cond) else item, iid, message)
    return cond


# --- loading -------------------------------------------------------------------------------------


def load_catalogs(
    data_dir: str | Path, vocabulary: Vocabulary | None = None, today: date | None = None
) -> Catalogs:
    """Load and validate every catalog under ``data_dir``; raise ContentInvalid with all errors."""
    root = Path(data_dir)
    today = today or date.today()
    c = _Collector(root)

    # Phases.
    phases: list[Phase] = []
    phases_path = root / "phases.yaml"
    if not phases_path.exists():
        c.add(c.name(phases_path), None, None, "fichier des phases manquant")
    else:
        seen: dict[str, str] = {}
        for file, item in _items(c, phases_path):
            pid = _id(c, file, item, seen)
            titre = _text(c, file, item, "titre", pid)
            extra = sorted(str(k) for k in item if k not in ("id", "titre"))
            if extra:
                c.add(file, item, pid, f"champ(s) inconnu(s) : {', '.join(extra)}")
            if pid and titre:
                phases.append(Phase(pid, titre, len(phases)))
    phase_ids = {p.id: p for p in phases}

    # Raw items first, so that conditions can be checked with operators seen across catalogs.
    def files(sub: str, exclude: tuple[str, ...] = ()) -> list[tuple[str, Mapping]]:
        folder = root / sub
        if not folder.is_dir():
            c.add(c.name(folder), None, None, "dossier manquant")
            return []
        out = []
        for path in sorted(folder.glob("*.yaml")):
            if path.name not in exclude:
                out += _items(c, path)
        return out

    raw_steps = files("etapes")
    raw_schemes = files("financements")
    types_path = root / "contacts" / "types.yaml"
    raw_types = _items(c, types_path) if types_path.exists() else []
    if not types_path.exists():
        c.add(c.name(types_path), None, None, "fichier des types de contacts manquant")
    raw_contacts = files("contacts", exclude=("types.yaml",))
    raw_resources = files("ressources")
    resolve = _resolver(
        vocabulary, [i.get("si") for _, i in raw_steps + raw_schemes if i.get("si") is not None]
    )

    # Resources.
    resources: dict[str, Resource] = {}
    seen = {}
    for file, item in raw_resources:
        iid = _id(c, file, item, seen)
        sources, verified, incertain = _common(c, file, item, iid, RESOURCE_KEYS, today)
        titre = _text(c, file, item, "titre", iid)
        description = _text(c, file, item, "description", iid, required=False) or ""
        url = _https(c, file, item, iid, item.get("url"))
        rtype = item.get("type")
        if rtype not in RESOURCE_TYPES:
            c.add(file, item, iid, f"« type » doit valoir {', '.join(RESOURCE_TYPES)} (reçu {rtype!r})")
        if iid and titre:
            resources[iid] = Resource(iid, titre, description, url, str(rtype), sources, verified, incertain)

    # Contact types and contacts.
    contact_types: dict[str, ContactType] = {}
    seen = {}
    for file, item in raw_types:
        iid = _id(c, file, item, seen)
        sources, verified, _ = _common(c, file, item, iid, TYPE_KEYS, today)
        nom = _text(c, file, item, "nom", iid)
        role = _text(c, file, item, "role", iid, required=False) or ""
        annuaire = item.get("annuaire")
        if annuaire is not None and not isinstance(annuaire, str):
            c.add(file, item, iid, "« annuaire » doit être un code texte")
            annuaire = None
        if item.get("url") is not None:
            _https(c, file, item, iid, item.get("url"))
        if iid and nom:
            contact_types[iid] = ContactType(iid, nom, role, annuaire, sources, verified)
    contacts: list[Contact] = []
    seen = {}
    for file, item in raw_contacts:
        iid = _id(c, file, item, seen)
        sources, verified, incertain = _common(c, file, item, iid, CONTACT_KEYS, today)
        nom = _text(c, file, item, "nom", iid)
        ctype = item.get("type")
        if ctype not in contact_types:
            c.add(file, item, iid, f"type de contact inconnu « {ctype} » (voir contacts/types.yaml)")
        url = _https(c, file, item, iid, item.get("url"))
        couvre: dict[str, frozenset[str]] = {}
        raw = item.get("couvre")
        if raw is not None:
            if not isinstance(raw, Mapping) or not raw:
                c.add(file, item, iid, f"« couvre » doit lister {', '.join(COVERAGE_KEYS)}")
            else:
                for key, codes in raw.items():
                    if key not in COVERAGE_KEYS:
                        c.add(
                            file,
                            raw,
                            iid,
                            f"« couvre » : clé inconnue « {key} » (possibles : {', '.join(COVERAGE_KEYS)})",
                        )
                    elif not isinstance(codes, list) or not all(isinstance(x, (str, int)) for x in codes):
                        c.add(
                            file,
                            raw,
                            iid,
                            f"« couvre.{key} » doit être une liste de codes (entre guillemets)",
                        )
                    else:
                        couvre[key] = frozenset(str(x) for x in codes)
        statut_epf = item.get("statut_epf")
        if statut_epf is not None and statut_epf not in ("etat", "local"):
            c.add(file, item, iid, f"« statut_epf » doit valoir etat ou local (reçu {statut_epf!r})")
        partiel = item.get("perimetre_partiel", False)
        if not isinstance(partiel, bool):
            c.add(file, item, iid, "« perimetre_partiel » doit valoir true ou false")
            partiel = False
        if iid and nom and ctype in contact_types:
            contacts.append(
                Contact(iid, ctype, nom, url, couvre, sources, verified, statut_epf, partiel, incertain)
            )

    # Funding schemes.
    schemes: dict[str, Scheme] = {}
    seen = {}
    for file, item in raw_schemes:
        iid = _id(c, file, item, seen)
        sources, verified, incertain = _common(c, file, item, iid, SCHEME_KEYS, today)
        nom = _text(c, file, item, "nom", iid)
        financeur = _text(c, file, item, "financeur", iid) or ""
        nature = item.get("nature")
        if nature not in NATURES:
            c.add(file, item, iid, f"« nature » doit valoir {', '.join(NATURES)} (reçu {nature!r})")
        finance = _str_list(c, file, item, "finance", iid, FINANCE)
        if not finance:
            c.add(file, item, iid, "« finance » doit lister ce que le dispositif finance")
        beneficiaires = _str_list(c, file, item, "beneficiaires", iid, PORTEURS)
        if not beneficiaires:
            c.add(file, item, iid, "« beneficiaires » doit lister au moins un porteur")
        usages = _str_list(c, file, item, "usages", iid, CNIG_ENUMS["site_reconv_type"])
        cond = _check_condition(c, file, item, iid or "?", resolve)
        dates = item.get("dates") or {}
        if not isinstance(dates, Mapping) or any(k not in ("ouverture", "cloture") for k in dates):
            c.add(file, item, iid, "« dates » n'accepte que « ouverture » et « cloture »")
            dates = {}
        ouverture = _date(c, file, dates or item, iid, dates.get("ouverture"), "dates.ouverture")
        cloture = _date(c, file, dates or item, iid, dates.get("cloture"), "dates.cloture")
        if ouverture and cloture and ouverture > cloture:
            c.add(file, dates, iid, "la date d'ouverture est postérieure à la date de clôture")
        recurrence = item.get("recurrence")
        if recurrence not in RECURRENCES:
            c.add(
                file, item, iid, f"« recurrence » doit valoir {', '.join(RECURRENCES)} (reçu {recurrence!r})"
            )
        candidater = _text(c, file, item, "candidater", iid, required=False) or ""
        url = _https(c, file, item, iid, item.get("url"))
        taux = item.get("taux")
        plafond = item.get("plafond")
        for key, value in (("taux", taux), ("plafond", plafond)):
            if value is not None and not isinstance(value, str):
                c.add(file, item, iid, f"« {key} » doit être un texte (avec sa source)")
        if iid and nom:
            parts: list[Any] = [{"question": "porteur", "est": list(beneficiaires)}] if beneficiaires else []
            if usages:
                parts.append({"question": "usage", "est": list(usages)})
            if cond is not None:
                parts.append(cond)
            schemes[iid] = Scheme(
                iid,
                nom,
                financeur,
                str(nature),
                finance,
                beneficiaires,
                usages,
                cond,
                ouverture,
                cloture,
                str(recurrence),
                candidater,
                url,
                sources,
                verified,
                taux if isinstance(taux, str) else None,
                plafond if isinstance(plafond, str) else None,
                incertain,
                {conditions.ALL: parts} if parts else None,
                file=file,
                line=line_of(item),
            )

    # Steps.
    scheme_ids = seen_ids(raw_schemes)
    steps: list[Step] = []
    step_nodes: dict[str, tuple[str, Mapping]] = {}
    seen = {}
    for file, item in raw_steps:
        iid = _id(c, file, item, seen)
        sources, verified, incertain = _common(c, file, item, iid, STEP_KEYS, today)
        phase = item.get("phase")
        if phase not in phase_ids:
            c.add(file, item, iid, f"phase inconnue « {phase} » (possibles : {', '.join(phase_ids)})")
        titre = _text(c, file, item, "titre", iid)
        objectif = _text(c, file, item, "objectif", iid) or ""
        qui = _text(c, file, item, "qui", iid, required=False) or ""
        actions = _str_list(c, file, item, "actions", iid)
        apres = _str_list(c, file, item, "apres", iid)
        types = _str_list(c, file, item, "contacts", iid)
        for t in types:
            if t not in contact_types:
                c.add(file, item, iid, f"type de contact inconnu « {t} » (voir contacts/types.yaml)")
        funds = _str_list(c, file, item, "financements", iid)
        for f in funds:
            if f not in scheme_ids:
                c.add(file, item, iid, f"financement inconnu « {f} »")
        res = _str_list(c, file, item, "ressources", iid)
        for r in res:
            if r not in resources:
                c.add(file, item, iid, f"ressource inconnue « {r} »")
        cond = _check_condition(c, file, item, iid or "?", resolve)
        for key in ("duree", "cout"):
            if item.get(key) is not None and not isinstance(item.get(key), str):
                c.add(file, item, iid, f"« {key} » doit être un texte")
        if iid and titre and phase in phase_ids:
            steps.append(
                Step(
                    iid,
                    phase,
                    titre,
                    objectif,
                    actions,
                    qui,
                    cond,
                    apres,
                    types,
                    funds,
                    res,
                    sources,
                    verified,
                    item.get("duree"),
                    item.get("cout"),
                    incertain,
                    file=file,
                    line=line_of(item),
                )
            )
            step_nodes[iid] = (file, item)
    for file, item in raw_steps:
        apres = item.get("apres")
        iid = item.get("id")
        for prereq in apres if isinstance(apres, list) else ():
            if prereq == iid:
                c.add(file, item, iid, "une étape ne peut pas être son propre prérequis")
            elif prereq not in seen:
                c.add(file, item, iid, f"prérequis inconnu « {prereq} » (« apres »)")
    ordered = _topological(steps, phase_ids, c, step_nodes)

    if c.errors:
        raise ContentInvalid(c.errors)
    return Catalogs(phases, ordered, schemes, contact_types, contacts, resources)


def seen_ids(raw: list[tuple[str, Mapping]]) -> set[str]:
    return {str(i.get("id")) for _, i in raw}


def _topological(
    steps: list[Step], phases: dict[str, Phase], c: _Collector, nodes: dict[str, tuple[str, Mapping]]
) -> list[Step]:
    """Stable topological order: a step comes after its prerequisites; among ready steps, the
    earliest phase first, then file order. Reports cycles."""
    by_id = {s.id: s for s in steps}
    position = {s.id: i for i, s in enumerate(steps)}
    deps = {s.id: {p for p in s.apres if p in by_id and p != s.id} for s in steps}
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
        step = by_id[sid]
        out.append(Step(**{**step.__dict__, "order": len(out)}))
        for nxt in dependents[sid]:
            remaining[nxt] -= 1
            if not remaining[nxt]:
                heapq.heappush(heap, (phases[by_id[nxt].phase].index, position[nxt], nxt))
    if len(out) < len(steps):
        stuck = [s.id for s in steps if remaining[s.id]]
        for sid in stuck:
            file, item = nodes[sid]
            blocking = sorted(d for d in deps[sid] if remaining[d])
            c.add(file, item, sid, f"cycle de prérequis (« apres ») avec : {', '.join(blocking)}")
    return out


# --- one load per process ------------------------------------------------------------------------

_CACHE: dict[tuple[str, int], Catalogs] = {}
_LOCK = threading.Lock()


def get_catalogs(data_dir: str | Path, vocabulary: Vocabulary | None = None) -> Catalogs:
    """Catalogs of ``data_dir``, loaded and validated once per process (thread-safe)."""
    key = (str(Path(data_dir).resolve()), id(vocabulary) if vocabulary is not None else 0)
    found = _CACHE.get(key)
    if found is not None:
        return found
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_catalogs(data_dir, vocabulary)
        return _CACHE[key]


def clear_cache() -> None:
    _CACHE.clear()
