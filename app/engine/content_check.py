"""``flask content check``: validate the questionnaire and the catalogs before they reach users.

``root`` is a content folder holding ``questionnaires/`` and ``data/`` (the repository root, or
a draft copy). No Flask import: the CLI, the app start-up and the tests call :func:`check_content`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from app.engine.questionnaire import Questionnaire, load_questionnaire, run_scenarios
from app.engine.yamlsrc import ContentError, ContentInvalid

_CACHE: dict[tuple, tuple[Questionnaire | None, list[ContentError]]] = {}


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and modification times of every content file: a cheap cache key."""
    items = []
    for sub in ("questionnaires", "data"):
        folder = root / sub
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix in (".yaml", ".yml"):
                    stat = path.stat()
                    items.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (str(root.resolve()), tuple(items))


def questionnaire_dir(root: Path) -> Path:
    """``root/questionnaires`` when it exists, else ``root`` itself (a draft questionnaire folder)."""
    return root / "questionnaires" if (root / "questionnaires").is_dir() else root


def check_content_and_load(root: str | Path) -> tuple[Questionnaire | None, list[ContentError]]:
    """Check everything; return the loaded questionnaire (None if invalid) and every error.

    Results are cached per content fingerprint, so the app factory can call it at every start.
    """
    root = Path(root)
    key = _fingerprint(root)
    if key in _CACHE:
        return _CACHE[key]
    errors: list[ContentError] = []
    questionnaire = None
    try:
        questionnaire = load_questionnaire(questionnaire_dir(root), display_root=root)
    except ContentInvalid as exc:
        errors += exc.errors
    if questionnaire is not None:
        errors += check_scenarios(questionnaire, root)
    data = root / "data"
    if data.is_dir():
        errors += _check_catalogs(data, questionnaire)
    result = (questionnaire if not errors else None, errors)
    _CACHE[key] = result
    return result


def check_content(root: str | Path) -> list[ContentError]:
    """Every content error under ``root`` (empty list when the content is valid)."""
    return check_content_and_load(root)[1]


def check_scenarios(questionnaire: Questionnaire, root: Path) -> list[ContentError]:
    """Run ``questionnaires/scenarios/*.yaml`` (answers → expected visible questions)."""
    errors: list[ContentError] = []
    for path in sorted((questionnaire_dir(root) / "scenarios").glob("*.yaml")):
        errors += run_scenarios(questionnaire, path, str(path.relative_to(root)))
    return errors


def _check_catalogs(data: Path, questionnaire: Questionnaire | None) -> list[ContentError]:
    """Delegate to ``app.engine.catalogs.load_catalogs`` once it exists (path engine, issue 5)."""
    try:
        catalogs = importlib.import_module("app.engine.catalogs")
    except ImportError:
        return []
    load = getattr(catalogs, "load_catalogs", None)
    if load is None or questionnaire is None:
        return []
    try:
        load(data, questionnaire.vocabulary())
    except ContentInvalid as exc:
        return list(exc.errors)
    return []
