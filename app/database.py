"""Database engine settings that keep faults short and quiet, and the check behind /healthz.

- Down: ``pool_pre_ping`` replaces dead connections, so the service recovers without restart;
  the error pages answer 503 (app.errors).
- Frozen or overloaded: connections time out after ``DB_CONNECT_TIMEOUT`` seconds, waiting for
  a pooled connection after ``DB_POOL_TIMEOUT``, statements after ``DB_STATEMENT_TIMEOUT``
  (PostgreSQL ``statement_timeout``); a locked SQLite file after its busy timeout.
- Piling up: after a connection failure (or a locked SQLite file), the process stops trying
  for ``DB_BREAKER_SECONDS`` (a circuit breaker): every request meanwhile gets its 503 at once
  instead of waiting a timeout of its own, and /healthz stays fast.
- Logs: ``hide_parameters`` keeps SQL parameters (site tokens) out of error messages.

A server frozen in the middle of a statement on an open connection is the one case no client
setting bounds (its kernel still acknowledges, and PostgreSQL's own timeout needs the server to
run): new connections and statements are bounded, that one request is not.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import event, exc, text
from sqlalchemy.engine import make_url

# Errors that mean "the database is unavailable now" (503), not "a bug" (500).
UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, exc.DisconnectionError)


def engine_options(uri: str, config: dict) -> dict:
    """SQLAlchemy engine options for ``uri`` (merged over the configured ones)."""
    connect = float(config.get("DB_CONNECT_TIMEOUT", 5))
    statement_ms = int(float(config.get("DB_STATEMENT_TIMEOUT", 10)) * 1000)
    options: dict = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "pool_timeout": float(config.get("DB_POOL_TIMEOUT", 5)),
        **dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}),
    }
    url = make_url(uri)
    connect_args = dict(options.get("connect_args") or {})
    if url.get_backend_name() == "postgresql":
        # libpq options: keep those of the URL (e.g. a search_path) and add the timeout
        existing = url.query.get("options", "")
        existing = " ".join(existing) if isinstance(existing, tuple) else existing
        connect_args.setdefault("connect_timeout", max(1, round(connect)))
        connect_args.setdefault("options", f"{existing} -c statement_timeout={statement_ms}".strip())
    elif url.get_backend_name() == "sqlite":
        connect_args.setdefault("timeout", connect)  # busy timeout, seconds
        # A file has no server to lose: the ping would only add a statement to every checkout.
        if "pool_pre_ping" not in (config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}):
            options["pool_pre_ping"] = False
    options["connect_args"] = connect_args
    return options


def check(db, seconds: float = 1.0) -> None:
    """Raise unless the database answers and accepts writes within about ``seconds``.

    PostgreSQL: ``SELECT 1`` under a short ``statement_timeout``. SQLite: a write lock is taken
    and released at once (``BEGIN IMMEDIATE``), so a file locked by another process is reported
    unhealthy instead of hanging every write."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            (configured,) = cursor.execute("PRAGMA busy_timeout").fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(configured)}")
        finally:
            raw.close()
        return
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {int(seconds * 1000)}"))
        conn.execute(text("SELECT 1"))
        conn.rollback()


class Breaker:
    """Per-engine circuit breaker: open for ``seconds`` after a connection-level failure."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until = 0.0
        self._lock = threading.Lock()

    def trip(self) -> None:
        with self._lock:
            self.open_until = time.monotonic() + self.seconds

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until


def _connection_failure(ctx) -> bool:
    if ctx.is_disconnect or ctx.connection is None:
        return True
    original = ctx.original_exception
    message = str(original).lower()
    return isinstance(original, ctx.dialect.loaded_dbapi.OperationalError) and (
        "locked" in message or "timeout" in message or "connection" in message
    )


def install_breaker(engine, seconds: float) -> Breaker:
    breaker = Breaker(seconds)
    if seconds <= 0:
        return breaker

    @event.listens_for(engine, "do_connect")
    def refuse_while_open(dialect, conn_rec, cargs, cparams):
        if breaker.is_open():
            raise dialect.loaded_dbapi.OperationalError("database unavailable (circuit breaker open)")
        return None

    @event.listens_for(engine, "handle_error")
    def trip(ctx):
        if _connection_failure(ctx):
            breaker.trip()
            ctx.invalidate_pool_on_disconnect = True

    @event.listens_for(engine, "engine_connect")
    def refuse_pooled_while_open(conn):
        if breaker.is_open():
            raise exc.OperationalError(
                "", {}, engine.dialect.loaded_dbapi.OperationalError("circuit breaker open")
            )

    return breaker
