"""Enrichment clients for public APIs — no Flask import.

Each client has a timeout ≤ 3 s, bounded retries, a TTL response cache and returns a
:class:`Result` envelope (statut succès / partiel / échec, source, date, données,
avertissement). :func:`enrich_site` runs them concurrently; :func:`prefills_from` maps their
facts to questionnaire answers.
"""

from .adresse import AdresseClient
from .base import ECHEC, PARTIEL, SUCCES, ClientError, Result, TTLCache
from .cadastre import CadastreClient
from .enrich import Enrichment, clear_caches, enrich_site, make_clients
from .georisques import GeorisquesClient, site_radius_m
from .gpu import GpuClient
from .prefill import Prefill, prefills_from

__all__ = [
    "ECHEC",
    "PARTIEL",
    "SUCCES",
    "AdresseClient",
    "CadastreClient",
    "ClientError",
    "Enrichment",
    "GeorisquesClient",
    "GpuClient",
    "Prefill",
    "Result",
    "TTLCache",
    "clear_caches",
    "enrich_site",
    "make_clients",
    "prefills_from",
    "site_radius_m",
]
