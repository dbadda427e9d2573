"""Provenance and wording rules on everything editors write (``flask content check``).

One function per rule. Each rule reads one piece of raw content (a text shown to users, a
source, a date, any string of a file) and returns the messages it finds; :func:`check_tree`
walks the YAML files of a content folder, knows which fields users read, and turns the
messages into :class:`ContentError` with file, line and id.

What users read is written for them: no words describing how the content was produced, no
writing dates, no raw question ids, catalog ids or CNIG codes. Sources back claims: a Légifrance
article (never a whole code), never a home page unless marked ``generale: true``, never a test
or sandbox instance, never ``http://``. Verification dates are never in the future.
No Flask import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from app.engine.vocabulaire import CNIG_FIELDS
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

# --- what users read ------------------------------------------------------------------------------

# User-facing fields per kind of item (YAML keys). Everything else (``redaction``, ``sert_a``,
# ``hors_parcours``, conditions, ids) is for editors.
COMMON_TEXT = ("note", "a_confirmer")
USER_FIELDS = {
    "etapes": ("titre", "objectif", "actions", "qui", "duree", "cout", *COMMON_TEXT),
    "financements": ("nom", "financeur", "taux", "plafond", "candidater", *COMMON_TEXT),
    "contacts": ("nom", "role", *COMMON_TEXT),
    "ressources": ("titre", "description", *COMMON_TEXT),
    "nouveautes": ("titre", "texte"),
    "conditions": ("titre",),  # data/conditions.yaml: the title is the reason users read
}
STATS_FIELDS = ("nom", "unite", "definition", "methode")  # stats/indicateurs.yaml, shown on /stats
GROUP_FIELDS = ("titre", "introduction")
QUESTION_FIELDS = ("libelle", "indice", "pourquoi", "comment_trouver", "libelle_court", "unite")
CHOICE_FIELDS = ("libelle", "aide")

# Words that describe how the content was produced, not the friche.
PROCESS_WORDS = (
    (re.compile(r"\bsessions?\b", re.I), "« session »"),
    (re.compile(r"dossiers? de référence", re.I), "« dossier de référence »"),
    (re.compile(r"construite? selon le modèle", re.I), "« construite selon le modèle »"),
    (re.compile(r"(adresse|url) (construite|déduite|reconstituée)", re.I), "adresse construite"),
    (re.compile(r"connaissances? générales?", re.I), "« connaissances générales »"),
    (re.compile(r"\br[ée]dig[ée]e?s?\b", re.I), "« rédigé… »"),
    (re.compile(r"\br[ée]dact(eur|rice)s?\b|\bnotes? de r[ée]daction\b", re.I), "« rédacteur »"),
    (re.compile(r"pour (le|la|les) marquer", re.I), "« pour la marquer… »"),
    (re.compile(r"non (re)?vérifiée?s? (dans|par|lors)", re.I), "« non vérifié dans… »"),
    (re.compile(r"\b(prompt|chatgpt|ia générative|llm)\b", re.I), "outil de rédaction"),
)
# A writing date: an ISO date in a text, or « ajouté / modifié / relu le <date> ».
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
DATED_EDIT = re.compile(
    r"\b(ajoutée?s?|créée?s?|modifiée?s?|relue?s?|mise?s? à jour|vérifiée?s?|revue?s?) le \d", re.I
)
# Codes of the CNIG urban-zone vocabulary that are not words (« AUs », « ZnC »…).
CNIG_ZONE_CODES = ("AUc", "AUs", "ZCa", "ZnC", "Zc")
QUESTION_MENTION = re.compile(r"question\s+«\s*[a-z][a-z0-9_]*\s*»")
URL_KEYS = ("url", "source")
TOKEN = re.compile(r"(?<![\w-])[\w-]+(?![\w-])")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")

# --- sources ----------------------------------------------------------------------------------------

LEGIFRANCE_OK = re.compile(
    r"^/(codes|loda)/article_lc/LEGIARTI\d+/?$"  # an article, in force
    r"|^/jorf/article_jo/JORFARTI\d+/?$"  # an article as published
    r"|^/(jorf/id|jorf/texte_jo)/JORFTEXT\d+/?$"  # a decree or order as published
    r"|^/loda/id/(LEGITEXT|JORFTEXT)\d+/?$"  # a law or decree (not a code)
)
HOME_PATHS = {"", "/", "/fr", "/fr/", "/index.html", "/index.php", "/accueil", "/accueil/"}
TEST_HOSTS = re.compile(r"(^|\.)(bacasable|sandbox|staging|preprod|recette|testing|test|demo)[.-]")
TEST_PATHS = re.compile(r"(questions?-test|/test/|/sandbox/|/staging/)", re.I)


@dataclass(frozen=True)
class Text:
    """One text users read, and where it is written."""

    file: str
    line: int
    id: str | None
    field: str
    value: str


# --- rules: one function each, returning messages -----------------------------------------------------


def process_words(text: str) -> list[str]:
    """Words that describe how the content was produced (« session », « dossier de référence »…)."""
    return [
        f"mot de rédaction {label} dans un texte affiché"
        for pattern, label in PROCESS_WORDS
        if pattern.search(LINK_TARGET.sub(" ", text))
    ]


def writing_dates(text: str) -> list[str]:
    """A date of writing in a text users read (« ajoutée le 2026-12-01 », an ISO date)."""
    out = []
    if match := ISO_DATE.search(text):
        out.append(
            f"date au format de rédaction « {match.group(0)} » dans un texte affiché "
            "(écrire « 25 avril 2025 » ; une date de rédaction va dans « redaction »)"
        )
    if DATED_EDIT.search(text):
        out.append("date de rédaction dans un texte affiché (« ajouté le… ») : à mettre dans « redaction »")
    return out


def raw_ids(text: str, ids: Iterable[str]) -> list[str]:
    """A raw question id, catalog id or CNIG code in a text users read (link targets aside)."""
    text = LINK_TARGET.sub(" ", text)
    known = ids if isinstance(ids, (set, frozenset)) else set(ids)
    found = [m.group(0) for m in QUESTION_MENTION.finditer(text)]
    found += [t for t in TOKEN.findall(text) if t in known or t in CNIG_ZONE_CODES]
    return [f"identifiant ou code brut « {x} » dans un texte affiché" for x in dict.fromkeys(found)]


def insecure_link(value: str) -> list[str]:
    """An ``http://`` link anywhere (text, Markdown, url)."""
    return ["lien non sécurisé « http:// » : utiliser l'adresse https://"] if "http://" in value else []


def legifrance_not_article(url: str) -> list[str]:
    """A Légifrance link that is not an article (a whole code, a section, a consolidated text)."""
    parsed = urlparse(url)
    if not parsed.netloc.endswith("legifrance.gouv.fr"):
        return []
    path = parsed.path
    if LEGIFRANCE_OK.match(path):
        return []
    if path.startswith("/affichTexte.do") and "JORFTEXT" in parsed.query and "jsessionid" not in url:
        return []
    if path in HOME_PATHS:
        return []  # the home-page rule reports it
    return [
        "lien Légifrance qui n'est pas un article (code entier, section ou texte consolidé) : "
        "citer l'article (https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI…)"
    ]


def home_page(url: str, general: bool) -> list[str]:
    """A home page cited as the source of a specific claim (allowed with ``generale: true``)."""
    parsed = urlparse(url)
    if general or parsed.query or parsed.path not in HOME_PATHS:
        return []
    return [
        f"page d'accueil citée comme source ({parsed.netloc}) : citer la page exacte, "
        "ou marquer « generale: true » si une page générale est la bonne cible (un annuaire)"
    ]


def test_instance(url: str) -> list[str]:
    """A source on a test, sandbox or staging instance."""
    parsed = urlparse(url)
    if TEST_HOSTS.search(parsed.netloc + ".") or TEST_PATHS.search(parsed.path):
        return [f"source sur une instance de test ou de démonstration ({parsed.netloc}{parsed.path})"]
    return []


def future_date(value: date | None, today: date, what: str = "verifie_le") -> list[str]:
    """A verification (or publication) date after today."""
    if value is not None and value > today:
        return [f"« {what} » est dans le futur ({value.isoformat()})"]
    return []


# --- walking the files ---------------------------------------------------------------------------


def _line(node: Any, key: str) -> int:
    getter = getattr(node, "line_of_key", None)
    return getter(key) if getter else line_of(node)


def _texts(node: Mapping, keys: Iterable[str], file: str, iid: str | None) -> Iterator[Text]:
    for key in keys:
        value = node.get(key)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and v.strip():
                yield Text(file, _line(node, key), iid, key, v)


def _sources(item: Mapping) -> Iterator[tuple[Mapping, str]]:
    """(node, url) of every source of an item, its legal basis and its edition."""
    for src in item.get("sources") or ():
        if isinstance(src, Mapping) and isinstance(src.get("url"), str):
            yield src, src["url"]
    calendar = item.get("calendrier")
    if isinstance(calendar, Mapping):
        legal = calendar.get("base_legale")
        if isinstance(legal, Mapping) and isinstance(legal.get("url"), str):
            yield legal, legal["url"]


def catalog_texts(kind: str, item: Mapping, file: str) -> Iterator[Text]:
    """Every text of a catalog item that users read, source titles included."""
    iid = item.get("id") if isinstance(item.get("id"), str) else None
    yield from _texts(item, USER_FIELDS[kind], file, iid)
    for src, _ in _sources(item):
        yield from _texts(src, ("titre",), file, iid)


def questionnaire_texts(doc: Any, file: str) -> Iterator[Text]:
    groups = doc.get("groupes") if isinstance(doc, Mapping) else None
    for group in groups or ():
        if not isinstance(group, Mapping):
            continue
        yield from _texts(group, GROUP_FIELDS, file, group.get("id"))
        for question in group.get("questions") or ():
            if not isinstance(question, Mapping):
                continue
            qid = question.get("id")
            yield from _texts(question, QUESTION_FIELDS, file, qid)
            for choice in question.get("choix") or ():
                if isinstance(choice, Mapping):
                    yield from _texts(choice, CHOICE_FIELDS, file, qid)


def _strings(node: Any, iid: str | None = None) -> Iterator[tuple[Any, str | None, str | None, str]]:
    """(parent node, key, id of the nearest item, string) of every string in a YAML tree."""
    if isinstance(node, Mapping):
        own = node.get("id")
        iid = own if isinstance(own, str) else iid
        for key, value in node.items():
            if isinstance(value, str):
                yield node, key, iid, value
            else:
                yield from _strings(value, iid)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, str):
                yield node, None, iid, value
            else:
                yield from _strings(value, iid)


@dataclass
class _Walker:
    root: Path
    today: date
    ids: frozenset[str]
    errors: list[ContentError]

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def report(self, file: str, line: int, iid: str | None, messages: Iterable[str], field: str = "") -> None:
        where = f"« {field} » : " if field else ""
        self.errors += [ContentError(file, line, iid, where + m) for m in messages]

    def text(self, t: Text) -> None:
        self.report(
            t.file,
            t.line,
            t.id,
            [*process_words(t.value), *writing_dates(t.value), *raw_ids(t.value, self.ids)],
            t.field,
        )

    def any_string(self, file: str, doc: Any) -> None:
        for parent, key, iid, value in _strings(doc):
            if key in URL_KEYS and value.startswith("http://"):
                continue  # the catalog loader reports a non-https url field
            line = _line(parent, key) if key is not None else line_of(parent)
            self.report(file, line, iid, insecure_link(value))

    def catalog_item(self, kind: str, file: str, item: Mapping) -> None:
        iid = item.get("id") if isinstance(item.get("id"), str) else None
        for t in catalog_texts(kind, item, file):
            self.text(t)
        for src, url in _sources(item):
            line = _line(src, "url")
            general = src.get("generale") is True
            self.report(
                file, line, iid, [*legifrance_not_article(url), *home_page(url, general), *test_instance(url)]
            )
        calendar = item.get("calendrier")
        edition = calendar.get("edition") if isinstance(calendar, Mapping) else None
        if isinstance(edition, Mapping) and isinstance(edition.get("publiee_le"), date):
            self.report(
                file,
                _line(edition, "publiee_le"),
                iid,
                future_date(edition["publiee_le"], self.today, "publiee_le"),
            )

    def load(self, path: Path) -> Any:
        try:
            return load_yaml(path, self.name(path))
        except ContentInvalid:
            return None  # the loaders report syntax errors


def check_tree(root: str | Path, today: date, ids: Iterable[str] = ()) -> list[ContentError]:
    """Every rule on every content file under ``root`` (``questionnaires/`` and ``data/``).

    ``ids``: question ids and catalog ids that must never appear raw in a text users read
    (only ids that cannot be plain words are checked: with ``_`` or ``-``)."""
    root = Path(root)
    raw = {i for i in ids if "_" in i or "-" in i} | set(CNIG_FIELDS)
    walker = _Walker(root, today, frozenset(raw), [])
    questionnaires = root / "questionnaires" if (root / "questionnaires").is_dir() else root
    for path in sorted(questionnaires.glob("*.yaml")):
        doc = walker.load(path)
        if doc is None:
            continue
        file = walker.name(path)
        for t in questionnaire_texts(doc, file):
            walker.text(t)
        walker.any_string(file, doc)
    stats = root / "stats" / "indicateurs.yaml"
    if stats.exists():
        doc = walker.load(stats)
        file = walker.name(stats)
        for item in doc if isinstance(doc, list) else ():
            if isinstance(item, Mapping):
                iid = item.get("id") if isinstance(item.get("id"), str) else None
                for t in _texts(item, STATS_FIELDS, file, iid):
                    walker.text(t)
        walker.any_string(file, doc)
    data = root / "data"
    for kind in USER_FIELDS:
        folder = data / kind
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if kind in ("nouveautes", "conditions") and (data / f"{kind}.yaml").exists():
            paths = [data / f"{kind}.yaml"]
        for path in paths:
            doc = walker.load(path)
            file = walker.name(path)
            for item in doc if isinstance(doc, list) else ():
                if isinstance(item, Mapping):
                    walker.catalog_item(kind, file, item)
            walker.any_string(file, doc)
    return walker.errors
