"""These tests build extra apps (rate limits on, production settings, a database down…), each
with its own connection pool: close their connections after every test, so that a run on a
shared PostgreSQL server never holds more than a few of them."""

from __future__ import annotations

import weakref

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

_ENGINES: weakref.WeakSet = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember(connection):
    _ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def _close_pools():
    yield
    for engine in list(_ENGINES):
        engine.dispose()
