"""One checked content bundle: everything editors write, loaded and validated together.

``load_content(root)`` reads a content folder (the repository root, or a draft copy holding
``questionnaires/``, ``data/`` and ``stats/``) and returns one immutable :class:`Content`, or
raises :class:`ContentInvalid` listing every error with file, line and id. ``flask content
check`` reports exactly these errors, and the app refuses to start on them: what is served is
what was checked.

``check_content(root)`` returns the errors without raising; it also accepts a partial draft (a
questionnaire drafted alone, without ``data/``), which the app never serves.

Bundles are cached per content fingerprint (names, sizes and modification times of the files)
and check date, so app factories created many times in one process (tests, CLI) load once.
No Flask import.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from app.engine.catalogs import Catalogs, load_catalogs
from app.engine.changelog import ChangeEntry, load_changelog
from app.engine.conditions import Fact, FactInfo
from app.engine.content_rules import check_tree
from app.engine.glossary import FILE as GLOSSARY_FILE
from app.engine.glossary import Glossary, load_glossary
from app.engine.indicator_defs import Definition, load_definitions
from app.engine.parcours import PathEngine
from app.engine.questionnaire.loader import load_questionnaire
from app.engine.questionnaire.model import Questionnaire
from app.engine.scenarios import Runner
from app.engine.usage import check_usage
from app.engine.vocabulaire import default_vocabulary
from app.engine.yamlsrc import ContentError, ContentInvalid

QUESTIONNAIRES = "questionnaires"
DATA = "data"
STATS_FILE = Path("stats") / "indicateurs.yaml"
CONTENT_SUFFIXES = (".yaml", ".yml", ".md")


@dataclass(frozen=True)
class Content:
    """The questionnaire, the catalogs, the rules' vocabulary and the statistics declarations."""

    root: Path
    questionnaire: Questionnaire
    catalogs: Catalogs
    vocabulary: Mapping[Fact, FactInfo]
    indicators: Mapping[str, Definition]
    changelog: tuple[ChangeEntry, ...] = ()  # data/nouveautes.yaml, newest first
    glossary: Glossary = Glossary()  # data/glossaire.yaml (app/engine/glossary.py)


def rule_vocabulary(questionnaire: Questionnaire) -> dict[Fact, FactInfo]:
    """The vocabulary the rules are explained with: the questionnaire's types and choice labels,
    with the short noun labels of the CNIG vocabulary (« Pollution des sols ») rather than the
    question sentences."""
    vocab = default_vocabulary()
    for fact, info in questionnaire.vocabulary().items():
        known = vocab.get(fact)
        vocab[fact] = replace(info, label=known.label, year=info.year or known.year) if known else info
    return vocab


def _fingerprint(root: Path) -> tuple:
    items = []
    for sub in (QUESTIONNAIRES, DATA, "stats"):
        folder = root / sub
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix in CONTENT_SUFFIXES:
                    stat = path.stat()
                    items.append((str(path), stat.st_size, stat.st_mtime_ns))
    return (str(root.resolve()), tuple(items))


def _questionnaire_dir(root: Path) -> Path:
    """``root/questionnaires``, or ``root`` itself for a draft that is only a questionnaire folder."""
    return root / QUESTIONNAIRES if (root / QUESTIONNAIRES).is_dir() else root


def _scenario_errors(
    questionnaire: Questionnaire, catalogs: Catalogs | None, root: Path, today: date
) -> list[ContentError]:
    """``questionnaires/scenarios/*.yaml`` (format in :mod:`app.engine.scenarios`): answers →
    expected questions asked and, when the catalogs loaded, expected path."""
    engine = PathEngine(catalogs, rule_vocabulary(questionnaire)) if catalogs is not None else None
    runner = Runner(questionnaire, engine, today, catalogs_broken=catalogs is None and (root / DATA).is_dir())
    errors: list[ContentError] = []
    for path in sorted((_questionnaire_dir(root) / "scenarios").glob("*.yaml")):
        errors += runner.run_file(path, str(path.relative_to(root)))
    return errors


def _load(root: Path, today: date) -> tuple[Content | None, list[ContentError]]:
    errors: list[ContentError] = []
    questionnaire = catalogs = None
    indicators: Mapping[str, Definition] = {}
    try:
        questionnaire = load_questionnaire(_questionnaire_dir(root), display_root=root)
    except ContentInvalid as exc:
        errors += exc.errors
    if (root / STATS_FILE).exists():
        try:
            indicators = load_definitions(root / STATS_FILE, str(STATS_FILE))
        except ContentInvalid as exc:
            errors += exc.errors
    data = root / DATA
    if questionnaire is not None and data.is_dir():
        try:
            catalogs = load_catalogs(data, questionnaire.vocabulary(), today=today)
        except ContentInvalid as exc:
            errors += exc.errors
    if questionnaire is not None:
        errors += _scenario_errors(questionnaire, catalogs, root, today)
    # Provenance and wording rules on every file, whatever else failed.
    ids = _ids(questionnaire, catalogs)
    errors += check_tree(root, today, ids)
    changelog: tuple[ChangeEntry, ...] = ()
    if data.is_dir():
        try:
            changelog = load_changelog(data, today, ids if catalogs is not None else ())
        except ContentInvalid as exc:
            errors += exc.errors
    glossary = Glossary()
    try:
        glossary = load_glossary(root / GLOSSARY_FILE, str(GLOSSARY_FILE), today)
    except ContentInvalid as exc:
        errors += exc.errors
    if questionnaire is not None and not errors:
        # No decorative question: every question changes the path or feeds the statistics.
        errors += check_usage(questionnaire, catalogs, indicators, root)
    if errors or questionnaire is None or catalogs is None:
        return None, errors
    content = Content(
        root, questionnaire, catalogs, rule_vocabulary(questionnaire), indicators, changelog, glossary
    )
    return content, []


def _ids(questionnaire: Questionnaire | None, catalogs: Catalogs | None) -> list[str]:
    """Ids that must never reach users raw: questions, groups and every catalog item."""
    ids: list[str] = []
    if questionnaire is not None:
        ids += list(questionnaire.questions) + [g.id for g in questionnaire.groups]
    if catalogs is not None:
        ids += [s.id for s in catalogs.steps] + list(catalogs.schemes) + list(catalogs.contact_types)
        ids += [c.id for c in catalogs.contacts] + list(catalogs.resources)
        ids += list(catalogs.named_conditions)
    return ids


_CACHE: dict[tuple, tuple[Content | None, list[ContentError]]] = {}
_LOCK = threading.Lock()


def _cached(root: str | Path, today: date | None) -> tuple[Content | None, list[ContentError]]:
    root = Path(root)
    today = today or date.today()
    key = (_fingerprint(root), today)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(root, today)
        return _CACHE[key]


def load_content(root: str | Path, today: date | None = None) -> Content:
    """The whole checked content of ``root``; :class:`ContentInvalid` with every error otherwise
    (including a missing ``questionnaires/`` or ``data/`` folder)."""
    content, errors = _cached(root, today)
    if content is None:
        if not errors:
            missing = DATA if (Path(root) / QUESTIONNAIRES).is_dir() else QUESTIONNAIRES
            errors = [ContentError(str(Path(root) / missing), None, None, "dossier manquant")]
        raise ContentInvalid(errors)
    return content


def check_content(root: str | Path, today: date | None = None) -> list[ContentError]:
    """Every content error under ``root`` (empty when valid). A draft may hold only a questionnaire."""
    return list(_cached(root, today)[1])
