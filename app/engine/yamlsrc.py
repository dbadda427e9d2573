"""YAML loading that remembers where each block came from, so content errors name file and line.

Content files are edited by non-developers: an error must say "questionnaires/site.yaml, ligne 42,
question « bati_etat » : …", not a Python traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class LineDict(dict):
    """A mapping loaded from YAML that knows its 1-based line number, and the line of each key."""

    line: int = 0
    key_lines: dict | None = None

    def line_of_key(self, key) -> int:
        return (self.key_lines or {}).get(key, self.line)


class LineList(list):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    seen: dict = {}
    result.key_lines = seen
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé « {key} » en double (déjà à la ligne {seen[key]})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass(frozen=True)
class ContentError:
    """One problem in a content file, in words a content editor can act on."""

    file: str
    line: int | None  # None: the whole file or folder
    id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, ligne {self.line}" if self.line else self.file
        who = f", « {self.id} »" if self.id else ""
        return f"{where}{who} : {self.message}"


class ContentInvalid(Exception):
    """Raised when content fails validation; carries every error found, not just the first."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def line_of(node, default: int = 0) -> int:
    return getattr(node, "line", default)


def load_yaml(path: Path, display_name: str | None = None):
    """Load one YAML file with line numbers; raise ContentInvalid with file and line on a syntax error."""
    name = display_name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentInvalid([ContentError(name, 0, None, f"fichier illisible ({exc})")]) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        problem = exc.problem or str(exc)
        raise ContentInvalid([ContentError(name, line, None, f"YAML invalide : {problem}")]) from exc
    except yaml.YAMLError as exc:
        raise ContentInvalid([ContentError(name, 0, None, f"YAML invalide : {exc}")]) from exc
