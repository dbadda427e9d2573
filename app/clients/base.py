"""Shared HTTP machinery for the enrichment clients: an overall deadline per call, a maximum
response size, bounded retries, a TTL cache and the result envelope. No Flask import.

A read timeout alone does not bound a call: a server that sends one byte a second resets it at
every byte and would hold the thread for as long as it likes. Each call therefore arms a
watchdog that shuts the call's sockets down when the call's deadline passes (headers included);
the blocked read then fails at once. Bodies are streamed and refused past ``max_bytes``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from app.cache import TTLCache

SUCCES, PARTIEL, ECHEC = "succès", "partiel", "échec"
MAX_TIMEOUT = 3.0
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
USER_AGENT = "ParcoursFriches/0.1 (+https://beta.gouv.fr)"

_calls = threading.local()  # the watchdog of the call running in this thread, if any


class _Watchdog:
    """Shuts down every socket used by one call once its deadline has passed."""

    def __init__(self, seconds: float):
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.fired = False
        self._timer = threading.Timer(max(seconds, 0.001), self._fire)
        self._timer.daemon = True

    def track(self, sock) -> None:
        with self._lock:
            if self.fired:
                _shutdown(sock)
            else:
                self._sockets.append(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)

    def __enter__(self):
        _calls.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        _calls.watchdog = None
        return False


def _shutdown(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _track(sock) -> None:
    watchdog = getattr(_calls, "watchdog", None)
    if watchdog is not None and sock is not None:
        watchdog.track(sock)


class _TrackedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self):
        super().connect()
        _track(self.sock)

    def request(self, *args, **kwargs):
        _track(self.sock)  # a kept-alive connection reused by this call
        return super().request(*args, **kwargs)


class _TrackedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self):
        super().connect()
        _track(self.sock)

    def request(self, *args, **kwargs):
        _track(self.sock)
        return super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


class BoundedAdapter(HTTPAdapter):
    """A requests adapter whose connections report their sockets to the call's watchdog."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def bounded_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc from the environment: every call is watched
    adapter = BoundedAdapter(pool_connections=4, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


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


_SESSION = threading.local()


def _thread_session() -> requests.Session:
    """One bounded session per thread (requests sessions are not thread-safe)."""
    session = getattr(_SESSION, "session", None)
    if session is None:
        session = _SESSION.session = bounded_session()
    return session


class HttpClient:
    """JSON over HTTP GET with an overall deadline per call (≤ 3 s, headers, body and retries
    included), a maximum response size, bounded retries on connection errors and 502/503/504,
    and a response cache (successful responses only)."""

    source = "?"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 3.0,
        retries: int = 1,
        cache: TTLCache | None = None,
        session: requests.Session | None = None,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = min(float(timeout), MAX_TIMEOUT)
        self.retries = max(0, min(int(retries), 2))
        self.cache = cache if cache is not None else TTLCache()
        self.max_bytes = int(max_bytes)
        if session is not None:
            adapter = BoundedAdapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._session = session

    @property
    def session(self) -> requests.Session:
        return self._session or _thread_session()

    def _too_slow(self) -> ClientError:
        return ClientError(f"{self.source} n'a pas répondu à temps.")

    def _fetch(self, url: str, params: dict | None, remaining: float):
        """One attempt: (status, body bytes). Raises requests errors, or ClientError when the
        deadline passes or the body is too large."""
        with _Watchdog(remaining) as watchdog:
            try:
                resp = self.session.get(
                    url,
                    params=params,
                    timeout=(min(remaining, self.timeout), min(remaining, self.timeout)),
                    stream=True,
                    headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                )
            except requests.RequestException:
                if watchdog.fired:
                    raise self._too_slow() from None
                raise
            try:
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise ClientError(f"{self.source} a renvoyé une réponse trop volumineuse.")
                chunks, size = [], 0
                for chunk in resp.iter_content(65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ClientError(f"{self.source} a renvoyé une réponse trop volumineuse.")
                    chunks.append(chunk)
            except requests.RequestException:
                if watchdog.fired:
                    raise self._too_slow() from None
                raise
            finally:
                resp.close()
            if watchdog.fired:
                raise self._too_slow()
            return resp.status_code, b"".join(chunks)

    def get_json(self, path: str, params: dict | None = None):
        url = f"{self.base_url}/{path.lstrip('/')}"
        key = (url, tuple(sorted((params or {}).items())))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        deadline = time.monotonic() + self.timeout
        last_error = "erreur inconnue"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                raise self._too_slow()
            try:
                status, body = self._fetch(url, params, remaining)
            except requests.Timeout:
                # a timeout is not retried: the user must not wait
                raise self._too_slow() from None
            except requests.RequestException:
                last_error = f"{self.source} est injoignable."
                continue
            if status >= 500:
                last_error = f"{self.source} a répondu par une erreur ({status})."
                if status in (502, 503, 504):
                    continue
                break
            if status == 404:
                raise ClientError(f"{self.source} ne connaît pas cette donnée (404).")
            if status >= 400:
                raise ClientError(f"{self.source} a refusé la requête ({status}).")
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                raise ClientError(f"{self.source} a renvoyé une réponse illisible.") from None
            self.cache.set(key, data)
            return data
        raise ClientError(last_error)


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}
