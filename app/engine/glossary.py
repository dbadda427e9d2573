"""The glossary (``data/glossaire.yaml``): acronyms and terms of the path, in plain French.

``load_glossary(path, display_name, today)`` reads and checks the file and returns a
:class:`Glossary`, or raises :class:`ContentInvalid` with every error (file, line, id): schema,
duplicate ids or forms, the provenance and wording rules of every catalog (no process words, no
writing dates, https sources that are pages and not home pages unless ``generale: true``,
``verifie_le`` not in the future).

``Glossary.annotate(text, seen)`` wraps the first use on a page of each known term in
``<a href="/glossaire#id"><abbr title="…">ICPE</abbr></a>``: ``seen`` is the set of ids already
annotated on the page (the caller keeps it per page). Text is HTML-escaped; Markup is annotated
only in its text, never inside a tag or an existing link. No Flask import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from app.engine.content_rules import (
    future_date,
    home_page,
    insecure_link,
    legifrance_not_article,
    process_words,
    test_instance,
    writing_dates,
)
from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

FILE = Path("data") / "glossaire.yaml"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIELDS = {"id", "sigle", "formes", "terme", "definition", "source", "verifie_le", "redaction"}
REQUIRED = ("id", "sigle", "terme", "definition", "source")
PAGE_URL = "/glossaire"
# Elements whose text is never annotated: links, abbreviations, headings' own links.
_OPEN_SKIP = re.compile(r"<(a|abbr)(\s|>)", re.I)
_CLOSE_SKIP = re.compile(r"</(a|abbr)\s*>", re.I)


@dataclass(frozen=True)
class Term:
    id: str
    acronym: str  # as shown on the glossary page (« DDT(M) »)
    forms: tuple[str, ...]  # spellings recognised in a text, longest first
    name: str  # the full name, shown on hover
    definition: str
    source_title: str
    source_url: str
    checked_on: date | None
    line: int


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    def __post_init__(self):
        by_form = {f: t for t in self.terms for f in t.forms}
        forms = sorted(by_form, key=len, reverse=True)
        pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")
            if forms
            else None
        )
        object.__setattr__(self, "_by_form", by_form)
        object.__setattr__(self, "_pattern", pattern)

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    def sorted(self) -> list[Term]:
        """Terms in the alphabetical order of what users read (accents and case ignored)."""
        return sorted(self.terms, key=lambda t: _fold(t.acronym))

    def annotate(self, text, seen: set[str] | None = None, page_url: str = PAGE_URL) -> Markup:
        """``text`` as HTML with the first use of each term not in ``seen`` linked to the
        glossary; ``seen`` is updated. Plain strings are escaped first."""
        seen = set() if seen is None else seen
        html = str(text) if isinstance(text, Markup) else str(escape(text))
        if self._pattern is None or not html:
            return Markup(html)
        out: list[str] = []
        in_link = 0
        for part in re.split(r"(<[^>]*>)", html):
            if part.startswith("<"):
                if _OPEN_SKIP.match(part):
                    in_link += 1
                elif _CLOSE_SKIP.match(part):
                    in_link = max(0, in_link - 1)
                out.append(part)
            elif in_link or not part:
                out.append(part)
            else:
                out.append(self._pattern.sub(lambda m: self._wrap(m, seen, page_url), part))
        return Markup("".join(out))

    def _wrap(self, match: re.Match, seen: set[str], page_url: str) -> str:
        term = self._by_form[match.group(1)]
        if term.id in seen:
            return match.group(0)
        seen.add(term.id)
        return (
            f'<a class="pf-terme" href="{page_url}#{term.id}">'
            f'<abbr title="{escape(term.name)}">{match.group(1)}</abbr></a>'
        )


def _fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _errors(item: Mapping, file: str, today: date) -> list[ContentError]:
    iid = item.get("id") if isinstance(item.get("id"), str) else None
    line = line_of(item)
    errs: list[str] = []
    for key in REQUIRED:
        if not item.get(key):
            errs.append(f"champ « {key} » manquant")
    for key in item:
        if key not in FIELDS:
            errs.append(f"champ inconnu « {key} » (attendus : {', '.join(sorted(FIELDS))})")
    if iid is not None and not ID.match(iid):
        errs.append("identifiant invalide : minuscules, chiffres et tirets seulement")
    for key in ("sigle", "terme", "definition"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            errs.append(f"« {key} » doit être un texte")
        elif isinstance(value, str):
            errs += [f"« {key} » : {m}" for m in (*process_words(value), *writing_dates(value))]
            errs += [f"« {key} » : {m}" for m in insecure_link(value)]
    forms = item.get("formes")
    if forms is not None and (
        not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() for f in forms)
    ):
        errs.append("« formes » doit être une liste de textes")
    if item.get("source") is not None:
        errs += _source_errors(item["source"])
    checked = item.get("verifie_le")
    if checked is not None and not isinstance(checked, date):
        errs.append("« verifie_le » doit être une date (AAAA-MM-JJ)")
    elif isinstance(checked, date):
        errs += future_date(checked, today)
    return [ContentError(file, line, iid, m) for m in errs]


def _source_errors(source: Any) -> list[str]:
    if not isinstance(source, Mapping) or not isinstance(source.get("url"), str):
        return ["« source » doit avoir un « titre » et une « url »"]
    errs = []
    url = source["url"]
    if not url.startswith("https://"):
        errs.append(f"« source » : l'adresse doit commencer par https:// ({url})")
    if not isinstance(source.get("titre"), str) or not source["titre"].strip():
        errs.append("« source » : « titre » manquant")
    general = source.get("generale") is True
    errs += [
        f"« source » : {m}"
        for m in (*legifrance_not_article(url), *home_page(url, general), *test_instance(url))
    ]
    return errs


def _term(item: Mapping, forms: tuple[str, ...]) -> Term:
    """A checked item as a term (its forms longest first, so that the longest one matches)."""
    source = item["source"]
    return Term(
        id=item["id"],
        acronym=item["sigle"].strip(),
        forms=tuple(sorted(forms, key=len, reverse=True)),
        name=item["terme"].strip(),
        definition=" ".join(item["definition"].split()),
        source_title=source["titre"].strip(),
        source_url=source["url"],
        checked_on=item.get("verifie_le"),
        line=line_of(item),
    )


def load_glossary(path: str | Path, display_name: str | None = None, today: date | None = None) -> Glossary:
    """The checked glossary of ``path`` (an empty glossary when the file does not exist)."""
    path = Path(path)
    name = display_name or str(path)
    if not path.exists():
        return Glossary()
    doc = load_yaml(path, name)
    if doc is None:
        return Glossary()
    if not isinstance(doc, list):
        raise ContentInvalid(
            [ContentError(name, line_of(doc), None, "le glossaire doit être une liste de termes")]
        )
    today = today or date.today()
    errors: list[ContentError] = []
    terms: list[Term] = []
    ids: dict[str, int] = {}
    forms_seen: dict[str, str] = {}
    for item in doc:
        if not isinstance(item, Mapping):
            errors.append(
                ContentError(
                    name, line_of(item, line_of(doc)), None, "chaque terme doit être un bloc « id: … »"
                )
            )
            continue
        item_errors = _errors(item, name, today)
        errors += item_errors
        iid = item.get("id")
        if isinstance(iid, str):
            if iid in ids:
                errors.append(
                    ContentError(name, line_of(item), iid, f"identifiant en double (déjà ligne {ids[iid]})")
                )
            ids.setdefault(iid, line_of(item))
        if item_errors:
            continue
        forms = tuple(item.get("formes") or [item["sigle"]])
        for form in forms:
            if form in forms_seen and forms_seen[form] != iid:
                errors.append(
                    ContentError(
                        name, line_of(item), iid, f"forme « {form} » déjà utilisée par « {forms_seen[form]} »"
                    )
                )
            forms_seen[form] = iid
        terms.append(_term(item, forms))
    if errors:
        raise ContentInvalid(errors)
    return Glossary(tuple(terms))


def annotate_all(glossary: Glossary, texts: Iterable[str], seen: set[str] | None = None) -> list[Markup]:
    """Several texts of one page in reading order, each term annotated once."""
    seen = set() if seen is None else seen
    return [glossary.annotate(t, seen) for t in texts]
