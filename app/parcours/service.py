"""Glue between the Flask app and the path engine: one engine per process and data folder, site
facts from saved answers and territory. Thin: the logic lives in app.engine."""

from __future__ import annotations

import gc
import threading
from datetime import date

from flask import current_app

from app.engine.catalogs import get_catalogs
from app.engine.facts import build_facts
from app.engine.parcours import PathEngine, PathResult

_ENGINES: dict[str, PathEngine] = {}
_LOCK = threading.Lock()


_QUESTIONNAIRES: dict[str, object] = {}


def questionnaire():
    """The questionnaire (issue 3) loaded once per folder, or None when absent or invalid."""
    directory = current_app.config["QUESTIONNAIRES_DIR"]
    if directory not in _QUESTIONNAIRES:
        try:
            from app.engine.questionnaire import load_questionnaire

            _QUESTIONNAIRES[directory] = load_questionnaire(directory)
        except Exception:  # noqa: BLE001 - absent or invalid: the default vocabulary is used
            _QUESTIONNAIRES[directory] = None
    return _QUESTIONNAIRES[directory]


def vocabulary():
    """Rule vocabulary: the default CNIG labels, overridden by the questionnaire's (labels as asked)."""
    from dataclasses import replace

    from app.engine.vocabulaire import default_vocabulary

    vocab = default_vocabulary()
    qn = questionnaire()
    if qn is not None:
        for fact, info in qn.vocabulary().items():
            known = vocab.get(fact)
            # Keep the short noun label (« Pollution des sols ») rather than the question sentence,
            # but the questionnaire's choice labels and types.
            vocab[fact] = replace(info, label=known.label, year=info.year or known.year) if known else info
    return vocab


def get_engine() -> PathEngine:
    data_dir = current_app.config["DATA_DIR"]
    engine = _ENGINES.get(data_dir)
    if engine is None:
        with _LOCK:
            engine = _ENGINES.get(data_dir)
            if engine is None:
                engine = _ENGINES[data_dir] = PathEngine(get_catalogs(data_dir), vocabulary())
                _freeze_long_lived()
    return engine


def _freeze_long_lived() -> None:
    """The catalogs and the territory dataset live as long as the process: move them out of the
    cyclic garbage collector's reach (``gc.freeze``). Otherwise every full collection walks their
    hundreds of thousands of objects again, a pause of about 130 ms that stalls every request of
    the worker (measured under load, bench/parcours_http_bench.py)."""
    try:
        from app import geo

        geo.get_dataset()
    except Exception:  # noqa: BLE001 - no territory dataset: nothing more to keep
        pass
    gc.freeze()


def territory(code: str | None) -> tuple[dict | None, dict | None, list[str]]:
    """(territory facts, ``territoire`` block, warnings) for a commune code."""
    if not code:
        return (
            None,
            None,
            ["La commune n'est pas connue : les contacts et les aides locales sont à vérifier."],
        )
    try:
        from app import geo
    except ImportError:  # pragma: no cover - geo module always shipped
        return None, None, []
    facts = geo.territory_facts(code)
    if facts is None:
        return None, None, [f"Commune inconnue ({code}) : les contacts et les aides locales sont à vérifier."]
    return facts, geo.territory_block(code), geo.territory_warnings(code)


def site_answers(site, territory_facts: dict | None = None) -> dict:
    """Answer values by question id, without answers to questions the questionnaire hides now."""
    answers = site.answer_map()
    qn = questionnaire()
    if qn is not None:
        answers = qn.effective_answers(answers, territory_facts)
    return answers


def compute_for_site(site, today: date | None = None) -> tuple[PathResult, dict | None]:
    facts_t, block, warnings = territory(site.commune_code)
    facts = build_facts(site_answers(site, facts_t), facts_t)
    name = block["commune"]["nom"] if block else None
    return get_engine().compute(facts, today=today, commune_name=name, warnings=warnings), block
