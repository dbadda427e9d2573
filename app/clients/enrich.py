"""Run every enrichment client for a site, concurrently, within a short overall deadline.

No Flask import: pass the settings (base URLs, timeout, retries, cache TTL) as a mapping
(e.g. ``current_app.config``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from . import adresse, cadastre, georisques, gpu
from .base import ECHEC, Result, TTLCache
from .prefill import Prefill, prefills_from

_caches: dict[str, TTLCache] = {}

DEFAULTS = {
    "API_ADRESSE_URL": adresse.DEFAULT_URL,
    "API_CARTO_URL": cadastre.DEFAULT_URL,
    "GEORISQUES_URL": georisques.DEFAULT_URL,
    "ENRICHMENT_TIMEOUT": 3.0,
    "ENRICHMENT_RETRIES": 1,
    "ENRICHMENT_CACHE_TTL": 86_400,
    "ENRICHMENT_DEADLINE": 4.0,
    "ENRICHMENT_MAX_BYTES": 5 * 1024 * 1024,
}


def _cache(name: str, ttl: float) -> TTLCache:
    cache = _caches.get(name)
    if cache is None or cache.ttl != ttl:
        cache = _caches[name] = TTLCache(ttl)
    return cache


def clear_caches() -> None:
    for cache in _caches.values():
        cache.clear()


def make_clients(settings=None) -> dict:
    """Clients configured from ``settings`` (missing keys take ``DEFAULTS``)."""
    s = {**DEFAULTS, **{k: v for k, v in dict(settings or {}).items() if k in DEFAULTS}}
    common = {
        "timeout": float(s["ENRICHMENT_TIMEOUT"]),
        "retries": int(s["ENRICHMENT_RETRIES"]),
        "max_bytes": int(s["ENRICHMENT_MAX_BYTES"]),
    }
    ttl = float(s["ENRICHMENT_CACHE_TTL"])
    return {
        "adresse": adresse.AdresseClient(s["API_ADRESSE_URL"], cache=_cache("adresse", ttl), **common),
        "cadastre": cadastre.CadastreClient(s["API_CARTO_URL"], cache=_cache("cadastre", ttl), **common),
        "gpu": gpu.GpuClient(s["API_CARTO_URL"], cache=_cache("gpu", ttl), **common),
        "georisques": georisques.GeorisquesClient(
            s["GEORISQUES_URL"], cache=_cache("georisques", ttl), **common
        ),
    }


@dataclass
class Enrichment:
    results: dict[str, Result] = field(default_factory=dict)
    prefills: list[Prefill] = field(default_factory=list)

    @property
    def avertissements(self) -> list[str]:
        return [r.avertissement for r in self.results.values() if r.avertissement]

    def to_dict(self) -> dict:
        return {
            "resultats": {k: r.to_dict() for k, r in self.results.items()},
            "avertissements": self.avertissements,
        }


def enrich_site(geom: BaseGeometry, code_insee: str | None, settings=None) -> Enrichment:
    """Query cadastre, GPU and Géorisques for a site (WGS84 point or perimeter) in parallel.

    Never raises for a failing source: it becomes an ``échec`` result with a French
    ``avertissement``. Sources still running after ``ENRICHMENT_DEADLINE`` seconds are
    reported as unavailable.
    """
    s = {**DEFAULTS, **{k: v for k, v in dict(settings or {}).items() if k in DEFAULTS}}
    clients = make_clients(s)
    jobs = {
        "cadastre": (clients["cadastre"].parcelles, (geom,)),
        "gpu": (clients["gpu"].urbanisme, (geom, code_insee)),
        "georisques": (clients["georisques"].risques, (geom,)),
    }
    out = Enrichment()
    pool = ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="enrich")
    futures = {pool.submit(fn, *args): name for name, (fn, args) in jobs.items()}
    done, _pending = wait(futures, timeout=float(s["ENRICHMENT_DEADLINE"]))
    for fut, name in futures.items():
        source = clients[name].source
        if fut not in done:
            out.results[name] = Result.failure(source, f"{source} n'a pas répondu à temps.")
            continue
        try:
            out.results[name] = fut.result()
        except Exception:  # a bug in a client must not break the page
            out.results[name] = Result(source, ECHEC, {}, f"{source} : réponse inexploitable.")
    pool.shutdown(wait=False, cancel_futures=True)
    out.prefills = prefills_from(out.results)
    return out
