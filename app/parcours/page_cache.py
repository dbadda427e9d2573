"""Rendered path pages, cached per site version (one entry per site, bounded, per app and process).

The version is derived from everything the page body shows — the site's name, commune and
surface, its answers, its step tracking, the catalogs loaded by this process, today's date and
the state of the published projets inspirants (« Projets comparables ») — so any change
to answers or tracking, in any worker, makes the next view render anew: no invalidation message
is needed between gunicorn workers. Only the site's latest version is kept.

The entry is also per kind of visitor (app.parcours.routes.viewer_kind): a « lecteur », whose
page has no form and a reading notice, never gets the page rendered for an editor, nor the
reverse, and the header's account tools match the visitor (logged in, adviser).

Per-request values never enter the cache: the page is rendered with :data:`CSRF_PLACEHOLDER`
instead of the CSRF token, and :meth:`CachedPage.with_csrf` puts the current session's token in
when the page is served. Pages of different sites never mix: the entry is looked up by site id
(and kind of visitor) and must match the version, which starts with the site's token. Views with a per-request part
(thanks after a vote, flash messages) are rendered and not cached (app.parcours.routes.show).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

# Random per process: cannot be typed into a site name or a note to have a token injected there.
CSRF_PLACEHOLDER = f"pf-csrf-{secrets.token_hex(16)}"
_INDENT = re.compile(r"\n[ \t]+")


@dataclass(frozen=True)
class CachedPage:
    parts: tuple[bytes, ...]  # the UTF-8 page split where the CSRF token goes
    event_data: dict  # the « parcours_consulte » event details of this version

    @classmethod
    def from_html(cls, html: str, event_data: dict) -> CachedPage:
        return cls(tuple(squeeze(html).encode().split(CSRF_PLACEHOLDER.encode())), event_data)

    def with_csrf(self, token: str) -> bytes:
        return token.encode().join(self.parts)


def site_version(
    site, answers, tracking, engine, today: date, notices: tuple = (), network: tuple = ()
) -> tuple:
    """Everything the rendered page depends on, as a comparable value. ``site`` has ``token``,
    ``nom``, ``commune_code`` and ``surface_m2``; ``answers`` are (question id, value) pairs;
    ``tracking`` are (step id, status, date, note) rows; ``notices`` are the site-wide banners
    of the layout; ``network`` is (count, latest change) of the published projets inspirants."""
    return (
        site.token,
        site.nom,
        site.commune_code,
        getattr(site, "surface_m2", None),
        json.dumps(sorted((qid, value) for qid, value in answers), ensure_ascii=False, default=str),
        tuple(
            sorted((step_id, status, str(when or ""), note or "") for step_id, status, when, note in tracking)
        ),
        id(engine),
        today.isoformat(),
        notices,
        network,
    )


def squeeze(html: str) -> str:
    """Drop template indentation (no <pre> or <textarea> in the path page)."""
    return _INDENT.sub("\n", html)


class PageCache:
    """One rendered page per key — (site id, kind of visitor) — the latest version only; least
    recently used keys dropped."""

    def __init__(self, max_sites: int = 200):
        self.max_sites = max_sites
        self._items: OrderedDict[Hashable, tuple[tuple, CachedPage]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: tuple) -> CachedPage | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != version:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[1]

    def put(self, key: Hashable, version: tuple, page: CachedPage) -> None:
        with self._lock:
            self._items[key] = (version, page)
            self._items.move_to_end(key)
            while len(self._items) > self.max_sites:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
