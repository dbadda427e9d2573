"""Glue between the Flask app and the path engine: site facts from saved answers and territory.
Thin: the logic lives in app.engine; the engine and the content come from :mod:`app.content`."""

from __future__ import annotations

import gc
from datetime import date

from app import geo
from app.content import current_content, path_engine
from app.engine.facts import build_facts
from app.engine.parcours import PathResult


def freeze_long_lived() -> None:
    """The content and the territory dataset live as long as the process: load the dataset and
    move both out of the cyclic garbage collector's reach (``gc.freeze``). Otherwise every full
    collection walks their hundreds of thousands of objects again, a pause of about 130 ms that
    stalls every request of the worker (measured under load, bench/parcours_http_bench.py)."""
    geo.get_dataset()
    gc.freeze()


def territory(code: str | None) -> tuple[dict | None, dict | None, list[str]]:
    """(territory facts, ``territoire`` block, warnings) for a commune code."""
    if not code:
        return (
            None,
            None,
            ["La commune n'est pas connue : les contacts et les aides locales sont à vérifier."],
        )
    facts = geo.territory_facts(code)
    if facts is None:
        return None, None, [f"Commune inconnue ({code}) : les contacts et les aides locales sont à vérifier."]
    return facts, geo.territory_block(code), geo.territory_warnings(code)


def site_answers(site, territory_facts: dict | None = None) -> dict:
    """Answer values by question id, without answers to questions the questionnaire hides now."""
    return current_content().questionnaire.effective_answers(site.answer_map(), territory_facts)


def compute_for_site(site, today: date | None = None) -> tuple[PathResult, dict | None]:
    facts_t, block, warnings = territory(site.commune_code)
    facts = build_facts(site_answers(site, facts_t), facts_t)
    name = block["commune"]["nom"] if block else None
    return path_engine().compute(facts, today=today, commune_name=name, warnings=warnings), block
