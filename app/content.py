"""The app's content and path engine: one checked :class:`~app.engine.content.Content` bundle,
loaded in :func:`app.create_app` from ``CONTENT_ROOT`` and kept on the app. Views, the API and
the statistics read it from here; nothing else loads content files."""

from __future__ import annotations

from flask import Flask, current_app

from app import geo
from app.engine.content import Content, load_content
from app.engine.parcours import PathEngine
from app.engine.yamlsrc import ContentInvalid


class BrokenContent(RuntimeError):
    """The app refuses to start: the content has errors (each names its file, line and id)."""


def init_content(app: Flask) -> None:
    try:
        content = load_content(app.config["CONTENT_ROOT"])
    except ContentInvalid as exc:
        listing = "\n".join(f"  - {e}" for e in exc.errors)
        raise BrokenContent(f"Contenu invalide : l'application ne démarre pas.\n{listing}") from None
    app.extensions["content"] = content
    app.extensions["path_engine"] = PathEngine(content.catalogs, content.vocabulary, epci_name=_epci_name)


def _epci_name(code: str) -> str | None:
    """An intercommunality's name from the embedded territory data (loaded on first use)."""
    return geo.get_dataset().epci.get(code)


def current_content() -> Content:
    return current_app.extensions["content"]


def path_engine() -> PathEngine:
    return current_app.extensions["path_engine"]
