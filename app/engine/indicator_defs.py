"""Public indicator declarations (``stats/indicateurs.yaml``): wording shown on /stats and the
questions each indicator reads (used by the no-decorative-question check). No Flask import.

Errors are :class:`ContentError` with file, line and id, like every other content file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.engine.yamlsrc import ContentError, ContentInvalid, line_of, load_yaml

AXES = {
    "north_star": "Étoile polaire",
    "utilise": "Utilisé",
    "utile": "Utile",
    "impact": "Impact",
    "utilisable": "Utilisable",
    "efficient": "Efficient",
    "territoires": "Territoires",
}
REQUIRED = ("id", "nom", "axe", "unite", "definition", "methode")


@dataclass(frozen=True)
class Definition:
    id: str
    nom: str
    axe: str
    unite: str
    definition: str
    methode: str
    questions: tuple[str, ...] = ()  # questionnaire answers the indicator reads
    line: int | None = None
    questions_line: int | None = None


def load_definitions(path: str | Path, display: str | None = None) -> dict[str, Definition]:
    """Indicator declarations in file order; :class:`ContentInvalid` with every error."""
    name = display or str(path)
    doc = load_yaml(Path(path), name)
    errors: list[ContentError] = []
    out: dict[str, Definition] = {}
    if not isinstance(doc, list):
        raise ContentInvalid([ContentError(name, line_of(doc, 1), None, "le fichier doit être une liste")])
    for item in doc:
        if not isinstance(item, Mapping):
            errors.append(ContentError(name, line_of(doc), None, "indicateur mal formé"))
            continue
        ident = str(item.get("id")) if item.get("id") else None
        missing = [k for k in REQUIRED if not item.get(k)]
        if missing:
            errors.append(
                ContentError(name, line_of(item), ident, f"champ(s) manquant(s) : {', '.join(missing)}")
            )
            continue
        if item["axe"] not in AXES:
            errors.append(ContentError(name, line_of(item), ident, f"axe inconnu « {item['axe']} »"))
            continue
        if ident in out:
            errors.append(ContentError(name, line_of(item), ident, "identifiant en double"))
            continue
        questions = item.get("questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            errors.append(
                ContentError(
                    name,
                    line_of(item),
                    ident,
                    "« questions » doit être une liste d'identifiants de questions",
                )
            )
            continue
        out[str(ident)] = Definition(
            **{k: str(item[k]).strip() for k in REQUIRED},
            questions=tuple(questions),
            line=line_of(item),
            questions_line=line_of(questions, line_of(item)),
        )
    if errors:
        raise ContentInvalid(errors)
    return out
