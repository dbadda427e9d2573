"""The resource library (« boîte à outils »): one Markdown file per resource in ``data/ressources/``.

Each file starts with a YAML front matter (between two ``---`` lines) and goes on with a Markdown
body shown on the resource's page::

    ---
    id: matrice-des-acteurs
    titre: Matrice des acteurs du projet
    description: Une phrase qui dit à quoi sert la ressource.
    famille: gestion_de_projet        # pedagogique | animation | gestion_de_projet
    phases: [connaitre, projet]       # ids of data/phases.yaml
    public: [elus, agents]            # elus | agents | porteurs_de_projet
    format: modele                    # guide | fiche | outil_en_ligne | donnees | modele
    niveau: 1                         # 1: donner envie, créer le déclic; 2: déployer, fédérer
    notice:
      objectifs: …
      contenus: …
      mise_en_oeuvre: …
      duree: …
    licence: Licence Ouverte 2.0
    source: https://…                 # the exact page of an external resource
    source_generale: true             # only when a home page IS the right target (a tool)
    fichier: modeles/matrice-des-acteurs.ods   # a template shipped with the service
    fichier_pdf: modeles/….pdf        # optional: the same template, ready to print
    sources: [{url: …, titre: …}]     # optional: pages backing the facts of the notice
    verifie_le: 2026-12-02            # only when checked against ``source``
    redaction: …                      # editors only, never rendered nor served
    ---
    Markdown body.

``load_library(folder, phase_ids, today)`` returns ``(resources, errors)``: every error names
file, line and id. Resources are :class:`app.engine.catalogs.Resource` objects (with the
library's extra fields), so that steps keep linking them by id. No Flask import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from app.engine.catalogs import ID_RE, Resource, Source
from app.engine.content_rules import (
    future_date,
    home_page,
    insecure_link,
    process_words,
    test_instance,
    writing_dates,
)
from app.engine.yamlsrc import ContentError, _Loader

FAMILIES = {
    "pedagogique": "Comprendre et convaincre",
    "animation": "Animer et concerter",
    "gestion_de_projet": "Piloter le projet",
}
FAMILY_HINTS = {
    "pedagogique": "Pour comprendre les enjeux et convaincre les élus et les partenaires.",
    "animation": "Pour faire travailler ensemble élus, habitants et partenaires.",
    "gestion_de_projet": "Matrices, calendriers et listes de contrôle pour conduire le projet.",
}
AUDIENCES = {
    "elus": "Élus",
    "agents": "Agents des collectivités",
    "porteurs_de_projet": "Porteurs de projet",
}
FORMATS = {
    "guide": "Guide",
    "fiche": "Fiche pratique",
    "outil_en_ligne": "Outil en ligne",
    "donnees": "Données",
    "modele": "Modèle à adapter",
}
# The path API's historical ``type`` of a resource, by format.
KINDS = {
    "guide": "guide",
    "fiche": "guide",
    "outil_en_ligne": "outil",
    "donnees": "donnees",
    "modele": "modele",
}
LEVELS = {1: "Niveau 1 — donner envie, créer le déclic", 2: "Niveau 2 — déployer, fédérer"}
NOTICE_KEYS = {
    "objectifs": "Objectifs",
    "contenus": "Contenus",
    "mise_en_oeuvre": "Mise en œuvre",
    "duree": "Durée",
}
TEMPLATE_SUFFIXES = {
    ".odt": ("application/vnd.oasis.opendocument.text", "ODT (LibreOffice Writer)"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "ODS (LibreOffice Calc)"),
    ".csv": ("text/csv", "CSV (tableur)"),
    ".md": ("text/markdown", "Markdown (texte)"),
}
PDF_MIMETYPE = "application/pdf"
KEYS = {
    "id",
    "titre",
    "description",
    "famille",
    "phases",
    "public",
    "format",
    "niveau",
    "notice",
    "licence",
    "source",
    "source_generale",
    "fichier",
    "fichier_pdf",
    "sources",
    "verifie_le",
    "note",
    "a_confirmer",
    "redaction",
}
TEMPLATES_DIR = "modeles"
FRONT = re.compile(r"\A---\s*\n(.*?\n)---\s*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Notice:
    objectives: str
    contents: str
    implementation: str
    duration: str


@dataclass(frozen=True, kw_only=True)
class LibraryResource(Resource):
    """A resource of the library: a catalog resource with its notice and classification."""

    family: str
    phases: tuple[str, ...]
    audiences: tuple[str, ...]
    format: str
    level: int
    notice: Notice
    licence: str
    body: str = ""
    source: str | None = None  # external page
    template: str | None = None  # file name under data/ressources/modeles/
    template_pdf: str | None = None  # its printable PDF, same folder

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family]

    @property
    def format_label(self) -> str:
        return FORMATS[self.format]

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def audience_labels(self) -> tuple[str, ...]:
        return tuple(AUDIENCES[a] for a in self.audiences)

    @property
    def template_format(self) -> str | None:
        if not self.template:
            return None
        return TEMPLATE_SUFFIXES[Path(self.template).suffix][1]

    @property
    def template_mimetype(self) -> str | None:
        if not self.template:
            return None
        return TEMPLATE_SUFFIXES[Path(self.template).suffix][0]


@dataclass(frozen=True)
class Filters:
    """A selection of the library (each field empty = no filter on it)."""

    family: str = ""
    phase: str = ""
    audience: str = ""
    format: str = ""
    level: int | None = None

    def keep(self, r: LibraryResource) -> bool:
        return (
            (not self.family or r.family == self.family)
            and (not self.phase or self.phase in r.phases)
            and (not self.audience or self.audience in r.audiences)
            and (not self.format or r.format == self.format)
            and (self.level is None or r.level == self.level)
        )


def select(resources: Iterable[LibraryResource], filters: Filters) -> list[LibraryResource]:
    """The resources kept by ``filters``, by family, then level, then title."""
    order = list(FAMILIES)
    kept = [r for r in resources if filters.keep(r)]
    return sorted(kept, key=lambda r: (order.index(r.family), r.level, r.title.lower()))


def library(resources: Mapping[str, Resource]) -> list[LibraryResource]:
    """The library resources among a catalog's resources (older YAML links are not part of it)."""
    return [r for r in resources.values() if isinstance(r, LibraryResource)]


# --- loading ---------------------------------------------------------------------------------------


class _FileReader:
    def __init__(self, file: str, offset: int, errors: list[ContentError], iid: str | None = None):
        self.file = file
        self.offset = offset  # lines before the front matter's first line
        self.errors = errors
        self.iid = iid

    def line(self, node, key: str | None = None) -> int:
        if key is not None and hasattr(node, "line_of_key"):
            return node.line_of_key(key) + self.offset
        return getattr(node, "line", 0) + self.offset

    def add(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.file, line, self.iid, message))


def _text(fr: _FileReader, doc: Mapping, key: str, required: bool = True) -> str:
    value = doc.get(key)
    if value is None:
        if required:
            fr.add(fr.line(doc), f"champ obligatoire « {key} » manquant")
        return ""
    if not isinstance(value, str) or not value.strip():
        fr.add(fr.line(doc, key), f"« {key} » doit être un texte non vide")
        return ""
    return value.strip()


def _choices(fr: _FileReader, doc: Mapping, key: str, allowed: Iterable[str], what: str) -> tuple[str, ...]:
    allowed = list(allowed)
    value = doc.get(key)
    if value is None:
        fr.add(fr.line(doc), f"champ obligatoire « {key} » manquant")
        return ()
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if v in allowed:
            out.append(v)
        else:
            fr.add(fr.line(doc, key), f"{what} « {v} » (possibles : {', '.join(allowed)})")
    if not values:
        fr.add(fr.line(doc, key), f"« {key} » ne doit pas être vide")
    return tuple(out)


def _wording(fr: _FileReader, line: int, field: str, text: str) -> None:
    for message in [*process_words(text), *writing_dates(text), *insecure_link(text)]:
        fr.add(line, f"« {field} » : {message}")


def _url(fr: _FileReader, line: int, field: str, url, general: bool = False) -> str | None:
    if not isinstance(url, str) or not url.startswith("https://"):
        fr.add(line, f"« {field} » doit être une adresse https:// exacte (reçu {url!r})")
        return None
    for message in [*home_page(url, general), *test_instance(url)]:
        fr.add(line, f"« {field} » : {message}")
    return url


def parse_file(
    path: Path, name: str, phase_ids: Iterable[str], today: date
) -> tuple[LibraryResource | None, list]:
    """One resource file → (resource or None, errors)."""
    errors: list[ContentError] = []
    fr = _FileReader(name, 1, errors)
    read = _front_matter(fr, path)
    if read is None:
        return None, errors
    doc, body, body_line = read
    iid = _resource_id(fr, doc, path)
    title = _text(fr, doc, "titre")
    description = _text(fr, doc, "description")
    family_t = _choices(fr, doc, "famille", FAMILIES, "famille inconnue")
    phases = _choices(fr, doc, "phases", phase_ids, "phase inconnue")
    audiences = _choices(fr, doc, "public", AUDIENCES, "public inconnu")
    format_t = _choices(fr, doc, "format", FORMATS, "format inconnu")
    level = _level(fr, doc)
    licence = _text(fr, doc, "licence")
    notice_values = _notice(fr, doc)
    source, template = _source_or_template(fr, doc, path)
    template_pdf = _template_pdf(fr, doc, path, template)
    sources = _sources(fr, doc, source, title)
    checked = _checked_on(fr, doc, today, source)
    _texts(fr, doc, title, description, body, body_line)
    if errors or not (iid and family_t and format_t and phases and audiences and level in LEVELS):
        return None, errors
    url = source or f"/ressources/{iid}"
    return (
        LibraryResource(
            id=iid,
            sources=tuple(sources),
            checked_on=checked,
            note=doc.get("note"),
            to_confirm=doc.get("a_confirmer"),
            editorial=doc.get("redaction"),
            file=name,
            line=1,
            title=title,
            description=description,
            url=url,
            kind=KINDS[format_t[0]],
            family=family_t[0],
            phases=phases,
            audiences=audiences,
            format=format_t[0],
            level=int(level),
            notice=Notice(*(notice_values[k] for k in ("objectifs", "contenus", "mise_en_oeuvre", "duree"))),
            licence=licence,
            body=body,
            source=source,
            template=template,
            template_pdf=template_pdf,
        ),
        errors,
    )


def _level(fr: _FileReader, doc: Mapping) -> object:
    """``niveau`` (1 or 2); ``famille`` and ``format`` take one value each."""
    for key in ("famille", "format"):
        if isinstance(doc.get(key), list):
            fr.add(fr.line(doc, key), f"« {key} » prend une seule valeur")
    level = doc.get("niveau")
    if level not in LEVELS:
        fr.add(fr.line(doc, "niveau" if "niveau" in doc else None), "« niveau » doit valoir 1 ou 2")
    return level


def _front_matter(fr: _FileReader, path: Path) -> tuple[Mapping, str, int] | None:
    """The YAML header, the Markdown body and the body's first line; None when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fr.add(0, f"fichier illisible ({exc})")
        return None
    match = FRONT.match(text)
    if not match:
        fr.add(1, "en-tête manquant : le fichier doit commencer par « --- », l'en-tête YAML, puis « --- »")
        return None
    try:
        doc = yaml.load(match.group(1), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        fr.add((mark.line + 2) if mark else 1, f"YAML invalide : {exc.problem or exc}")
        return None
    if not isinstance(doc, Mapping):
        fr.add(1, "l'en-tête doit être un bloc clé: valeur")
        return None
    return doc, text[match.end() :].strip(), text[: match.end()].count("\n") + 1


def _resource_id(fr: _FileReader, doc: Mapping, path: Path) -> str | None:
    iid = doc.get("id")
    if not isinstance(iid, str) or not ID_RE.match(iid):
        fr.add(fr.line(doc, "id"), "« id » manquant ou mal formé (minuscules, chiffres et tirets)")
        iid = None
    fr.iid = iid
    if iid and path.stem != iid:
        fr.add(fr.line(doc, "id"), f"le fichier doit s'appeler « {iid}.md » comme son identifiant")
    for key in doc:
        if key not in KEYS:
            fr.add(fr.line(doc, key), f"clé inconnue « {key} » (possibles : {', '.join(sorted(KEYS))})")
    return iid


def _notice(fr: _FileReader, doc: Mapping) -> dict:
    notice_doc = doc.get("notice")
    notice_values: dict = {}
    if not isinstance(notice_doc, Mapping):
        fr.add(
            fr.line(doc, "notice" if "notice" in doc else None),
            "notice manquante (objectifs, contenus, mise_en_oeuvre, duree)",
        )
        return notice_values
    for key in notice_doc:
        if key not in NOTICE_KEYS:
            fr.add(fr.line(notice_doc, key), f"clé inconnue « {key} » dans la notice")
    for key in NOTICE_KEYS:
        notice_values[key] = _text(fr, notice_doc, key)
        if notice_values[key]:
            _wording(fr, fr.line(notice_doc, key), f"notice.{key}", notice_values[key])
    return notice_values


def _source_or_template(fr: _FileReader, doc: Mapping, path: Path) -> tuple[str | None, str | None]:
    """The official page (``source``) or the shipped template (``fichier``) a resource points to."""
    source = None
    if doc.get("source") is not None:
        general = doc.get("source_generale") is True
        source = _url(fr, fr.line(doc, "source"), "source", doc.get("source"), general)
    template = None
    if doc.get("fichier") is not None:
        raw = doc.get("fichier")
        file_path = path.parent / str(raw)
        if (
            not isinstance(raw, str)
            or not raw.startswith(TEMPLATES_DIR + "/")
            or ".." in raw
            or Path(raw).suffix not in TEMPLATE_SUFFIXES
        ):
            fr.add(
                fr.line(doc, "fichier"),
                f"« fichier » doit être un fichier de {TEMPLATES_DIR}/ ({', '.join(TEMPLATE_SUFFIXES)})",
            )
        elif not file_path.is_file():
            fr.add(fr.line(doc, "fichier"), f"fichier introuvable « {raw} »")
        else:
            template = raw[len(TEMPLATES_DIR) + 1 :]
    if source is None and template is None and "source" not in doc and "fichier" not in doc:
        fr.add(
            fr.line(doc), "une ressource a une « source » (page officielle) ou un « fichier » (modèle livré)"
        )
    return source, template


def _template_pdf(fr: _FileReader, doc: Mapping, path: Path, template: str | None) -> str | None:
    """The printable PDF shipped next to an editable template (``fichier_pdf``), if any."""
    template_pdf = None
    if doc.get("fichier_pdf") is not None:
        raw = doc.get("fichier_pdf")
        if (
            not isinstance(raw, str)
            or not raw.startswith(TEMPLATES_DIR + "/")
            or ".." in raw
            or not raw.endswith(".pdf")
        ):
            fr.add(
                fr.line(doc, "fichier_pdf"), f"« fichier_pdf » doit être un fichier .pdf de {TEMPLATES_DIR}/"
            )
        elif not (path.parent / raw).is_file():
            fr.add(fr.line(doc, "fichier_pdf"), f"fichier introuvable « {raw} »")
        elif template is None:
            fr.add(fr.line(doc, "fichier_pdf"), "« fichier_pdf » accompagne un « fichier » modifiable")
        else:
            template_pdf = raw[len(TEMPLATES_DIR) + 1 :]
    return template_pdf


def _sources(fr: _FileReader, doc: Mapping, source: str | None, title: str | None) -> list[Source]:
    sources = []
    if source:
        sources.append(Source(source, title or source, doc.get("source_generale") is True))
    raw_sources = doc.get("sources")
    if raw_sources is None:
        return sources
    if not isinstance(raw_sources, list):
        fr.add(fr.line(doc, "sources"), "« sources » doit être une liste de {url, titre}")
        return sources
    for s in raw_sources:
        if not isinstance(s, Mapping) or not isinstance(s.get("titre"), str):
            fr.add(fr.line(doc, "sources"), "chaque source a une « url » et un « titre »")
            continue
        url = _url(fr, fr.line(s, "url"), "sources.url", s.get("url"), s.get("generale") is True)
        if url:
            sources.append(Source(url, s["titre"], s.get("generale") is True))
    return sources


def _checked_on(fr: _FileReader, doc: Mapping, today: date, source: str | None) -> date | None:
    checked = doc.get("verifie_le")
    if checked is not None and not isinstance(checked, date):
        fr.add(fr.line(doc, "verifie_le"), "« verifie_le » doit être une date AAAA-MM-JJ")
        checked = None
    if isinstance(checked, date):
        for message in future_date(checked, today):
            fr.add(fr.line(doc, "verifie_le"), message)
        if source is None:
            fr.add(fr.line(doc, "verifie_le"), "« verifie_le » sans « source » : rien à vérifier")
    for key in ("note", "a_confirmer", "redaction"):
        if doc.get(key) is not None and not isinstance(doc.get(key), str):
            fr.add(fr.line(doc, key), f"« {key} » doit être un texte")
    return checked


def _texts(
    fr: _FileReader, doc: Mapping, title: str | None, description: str | None, body: str, body_line: int
) -> None:
    """The wording rules on every text users read."""
    for field, value, line in (
        ("titre", title, fr.line(doc, "titre")),
        ("description", description, fr.line(doc, "description")),
        ("note", doc.get("note") if isinstance(doc.get("note"), str) else "", fr.line(doc, "note")),
        (
            "a_confirmer",
            doc.get("a_confirmer") if isinstance(doc.get("a_confirmer"), str) else "",
            fr.line(doc, "a_confirmer"),
        ),
        ("texte", body, body_line),
    ):
        if value:
            _wording(fr, line, field, value)


def load_library(
    folder: Path, phase_ids: Iterable[str], today: date, display_root: Path | None = None
) -> tuple[dict[str, LibraryResource], list[ContentError]]:
    """Every ``*.md`` file of ``folder`` (not its ``modeles/`` templates); ids unique."""
    phase_ids = list(phase_ids)
    resources: dict[str, LibraryResource] = {}
    errors: list[ContentError] = []
    if not folder.is_dir():
        return resources, errors
    for path in sorted(folder.glob("*.md")):
        try:
            name = str(path.relative_to(display_root)) if display_root else str(path)
        except ValueError:
            name = str(path)
        resource, file_errors = parse_file(path, name, phase_ids, today)
        errors += file_errors
        if resource is None:
            continue
        if resource.id in resources:
            errors.append(
                ContentError(
                    name, 1, resource.id, f"identifiant en double (déjà dans {resources[resource.id].file})"
                )
            )
            continue
        resources[resource.id] = resource
    return resources, errors


def template_path(folder: Path, resource: LibraryResource, pdf: bool = False) -> Path | None:
    """The shipped file of a template resource (its PDF with ``pdf``)."""
    name = resource.template_pdf if pdf else resource.template
    if not name:
        return None
    return folder / TEMPLATES_DIR / name
