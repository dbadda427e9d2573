"""Shared HTTP machinery for the enrichment clients: timeouts, bounded retries, a TTL cache
and the result envelope. No Flask import.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import requests

SUCCES, PARTIEL, ECHEC = "succès", "partiel", "échec"
MAX_TIMEOUT = 3.0
USER_AGENT = "ParcoursFriches/0.1 (+https://beta.gouv.fr)"


@dataclass
class Result:
    """Result envelope of one source: ``statut`` is ``succès``, ``partiel`` or ``échec``;
    ``donnees`` the normalised data; ``avertissement`` a French message when not ``succès``."""

    source: str
    statut: str = SUCCES
    donnees: dict = field(default_factory=dict)
    avertissement: str | None = None
    date: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def failure(cls, source: str, message: str) -> Result:
        return cls(source=source, statut=ECHEC, avertissement=message)


class ClientError(Exception):
    """A call failed; ``str(err)`` is a French explanation."""


class TTLCache:
    """Small thread-safe in-memory cache with a time-to-live and a size bound."""

    def __init__(self, ttl: float = 86_400, max_entries: int = 2_048):
        self.ttl, self.max_entries = ttl, max_entries
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            expires, value = item
            if expires < time.monotonic():
                del self._data[key]
                return None
            return value

    def set(self, key, value) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._data) >= self.max_entries:
                oldest = min(self._data, key=lambda k: self._data[k][0])
                del self._data[oldest]
            self._data[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class HttpClient:
    """JSON over HTTP GET with a timeout (≤ 3 s), bounded retries on connection errors and
    502/503/504, and a response cache (successful responses only)."""

    source = "?"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 3.0,
        retries: int = 1,
        cache: TTLCache | None = None,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = min(float(timeout), MAX_TIMEOUT)
        self.retries = max(0, min(int(retries), 2))
        self.cache = cache if cache is not None else TTLCache()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)

    def get_json(self, path: str, params: dict | None = None):
        url = f"{self.base_url}/{path.lstrip('/')}"
        key = (url, tuple(sorted((params or {}).items())))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        last_error = "erreur inconnue"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            try:
                resp = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout:
                # a timeout is not retried: the user must not wait
                raise ClientError(f"{self.source} n'a pas répondu à temps.") from None
            except requests.RequestException:
                last_error = f"{self.source} est injoignable."
                continue
            if resp.status_code in (502, 503, 504) or resp.status_code >= 500:
                last_error = f"{self.source} a répondu par une erreur ({resp.status_code})."
                if resp.status_code in (502, 503, 504):
                    continue
                break
            if resp.status_code == 404:
                raise ClientError(f"{self.source} ne connaît pas cette donnée (404).")
            if resp.status_code >= 400:
                raise ClientError(f"{self.source} a refusé la requête ({resp.status_code}).")
            try:
                data = resp.json()
            except (ValueError, json.JSONDecodeError):
                raise ClientError(f"{self.source} a renvoyé une réponse illisible.") from None
            self.cache.set(key, data)
            return data
        raise ClientError(last_error)


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}
