"""In-process benchmark of the path engine with the full catalogs of data/.

Usage: .venv/bin/python bench/parcours_bench.py [--paths 10000]
Prints: catalog load time (once per process), one-path median / p95 over varied sites, the time
for N paths, and a baseline measured in the same run (evaluating every step condition alone,
without contacts, funding or explanations). Results: docs/benchmarks.md, section « Parcours ».
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.api.bodies import path_body  # noqa: E402
from app.engine.catalogs import load_catalogs  # noqa: E402
from app.engine.conditions import evaluate  # noqa: E402
from app.engine.facts import build_facts  # noqa: E402
from app.engine.parcours import PathEngine  # noqa: E402
from app.engine.vocabulaire import AVANCEMENTS, CNIG_ENUMS, ICPE, PORTEURS, PROPRIETAIRES, USAGES  # noqa: E402

COMMUNES = ["62528", "75056", "13055", "69123", "59350", "97411", "2A004", "35238", "21231", "44109"]


def sites(n: int, seed: int = 1) -> list[dict]:
    """Varied answer sets (a third of the answers left unknown), over several territories."""
    from app.geo import territory_facts

    rng = random.Random(seed)
    territories = [territory_facts(c) or {} for c in COMMUNES]
    choices = {
        k: CNIG_ENUMS[k]
        for k in (
            "site_type",
            "sol_pollution_existe",
            "bati_etat",
            "bati_pollution",
            "urba_zone_type",
            "urba_doc_type",
            "site_occupation",
        )
    }
    choices.update(
        proprietaire=PROPRIETAIRES, icpe=ICPE, usage=USAGES, porteur=PORTEURS, avancement=AVANCEMENTS
    )
    out = []
    for _ in range(n):
        answers = {k: rng.choice(v) for k, v in choices.items() if rng.random() > 0.33}
        if rng.random() > 0.3:
            answers["unite_fonciere_surface"] = rng.randint(500, 200_000)
            answers["bati_surface"] = rng.randint(0, 50_000)
            answers["local_ancien_annee"] = rng.randint(1850, 2020)
        out.append(build_facts(answers, rng.choice(territories)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=10_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    catalogs = load_catalogs(ROOT / "data")
    load_s = time.perf_counter() - t0
    engine = PathEngine(catalogs)
    print(
        f"catalogs: {len(catalogs.steps)} steps, {len(catalogs.schemes)} schemes, {len(catalogs.contacts)} contacts, "
        f"{len(catalogs.resources)} resources; load + validation {load_s * 1000:.0f} ms (once per process)"
    )

    facts = sites(500)
    for f in facts[:50]:  # warm-up
        engine.compute(f)
    single = []
    for f in facts:
        t = time.perf_counter()
        engine.compute(f)
        single.append(time.perf_counter() - t)
    cold = []
    for f in facts:
        engine._memo.clear()
        engine._contact_memo.clear()
        t = time.perf_counter()
        engine.compute(f)
        cold.append(time.perf_counter() - t)
    single_json = []
    for f in facts:
        t = time.perf_counter()
        path_body(engine.compute(f), None)
        single_json.append(time.perf_counter() - t)
    baseline = []
    for f in facts:
        t = time.perf_counter()
        for step in catalogs.steps:
            evaluate(step.condition, f)
        baseline.append(time.perf_counter() - t)

    def q(values, p):
        return sorted(values)[int(len(values) * p) - 1] * 1000

    med = statistics.median(single) * 1000
    med_base = statistics.median(baseline) * 1000
    print(f"one path: median {med:.3f} ms, p95 {q(single, 0.95):.3f} ms (target ≤ 2 ms median)")
    print(
        f"one path, memo emptied before each (worst case, new answers): median "
        f"{statistics.median(cold) * 1000:.3f} ms, p95 {q(cold, 0.95):.3f} ms"
    )
    print(f"one path + JSON body: median {statistics.median(single_json) * 1000:.3f} ms")
    print(
        f"baseline (step conditions only): median {med_base:.3f} ms — path / baseline = {med / med_base:.1f}×"
    )

    many = list(itertools.islice(itertools.cycle(facts), args.paths))
    t = time.perf_counter()
    for f in many:
        engine.compute(f)
    total = time.perf_counter() - t
    print(f"{args.paths} paths: {total:.2f} s (target ≤ 15 s for 10,000)")


if __name__ == "__main__":
    main()
