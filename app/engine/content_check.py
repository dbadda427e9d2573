"""``flask content check``: validate the questionnaire and the catalogs before they reach users.

``root`` is a content folder holding ``questionnaires/`` and ``data/`` (the repository root, or
a draft copy). No Flask import: the CLI, the app start-up and the tests call :func:`check_content`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from app.engine.questionnaire import Questionnaire, load_questionnaire, run_scenarios
from app.engine.usage import check_usage
from app.engine.yamlsrc import ContentError, ContentInvalid

_CACHE: dict[tuple, tuple[Questionnaire | None, list[ContentError]]] = {}


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and modification times of every content file: a cheap cache key."""
    items = []
    for sub in ("questionnaires", "data", "stats"):
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
    catalogs = None
    if data.is_dir():
        catalog_errors, catalogs = _check_catalogs(data, questionnaire)
        errors += catalog_errors
    if questionnaire is not None and not errors:
        # No decorative question: every question must change the path or feed the statistics.
        errors += check_usage(questionnaire, catalogs, root)
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


def _check_catalogs(
    data: Path, questionnaire: Questionnaire | None
) -> tuple[list[ContentError], object | None]:
    """Delegate to ``app.engine.catalogs.load_catalogs``; return its errors and the loaded catalogs."""
    try:
        catalogs = importlib.import_module("app.engine.catalogs")
    except ImportError:
        return [], None
    load = getattr(catalogs, "load_catalogs", None)
    if load is None or questionnaire is None:
        return [], None
    try:
        return [], load(data, questionnaire.vocabulary())
    except ContentInvalid as exc:
        return list(exc.errors), None
