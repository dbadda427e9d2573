"""Rate limits (Flask-Limiter) on the endpoints that write or call out, set in one place.

Storage: ``RATELIMIT_STORAGE_URI`` — ``memory://`` by default (per process: with N workers a
client gets up to N times each limit), ``redis://host:6379`` in production so that every worker
shares the counters. Each limit is configurable (``RATELIMIT_SITES``…, Flask-Limiter syntax
such as ``"10/minute;100/day"``); ``RATELIMIT_ENABLED=false`` switches them all off. Clients are
told by a 429 page (JSON on the API) with ``Retry-After``.
"""

from __future__ import annotations

import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage


class QuietMemoryStorage(MemoryStorage):
    """limits' in-memory storage (``memory://``) without its clean-up thread: the library
    starts a new 10 ms ``threading.Timer`` whenever the previous one has ended, that is up to a
    hundred threads a second under load — about half the cost of a rate-limited API call on a
    busy 2-core machine (bench/throughput_bench.py). Counters already expire when read (``get``);
    the sweep of expired entries runs here at most every ``SWEEP_SECONDS``, in the calling
    thread. Registered under the ``memory`` scheme, so ``memory://`` selects it."""

    STORAGE_SCHEME = ["memory"]
    SWEEP_SECONDS = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._last_sweep = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # the parent's private hook
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_SECONDS:
            self._last_sweep = now
            self._MemoryStorage__expire_events()


# endpoint → (config key, default limit, methods limited; None = all)
LIMITS: dict[str, tuple[str, str, list[str] | None]] = {
    "sites.start": ("RATELIMIT_SITES", "10/minute;60/hour", None),
    "stats.vote": ("RATELIMIT_VOTES", "30/minute", None),
    "ressources.vote": ("RATELIMIT_VOTES", "30/minute", None),
    "reseau.signaler": ("RATELIMIT_VOTES", "30/minute", None),
    "reseau.vote": ("RATELIMIT_VOTES", "30/minute", None),
    "reseau.publier": ("RATELIMIT_SITES", "10/minute;60/hour", ["POST"]),
    # Readers' messages to project owners (each waits for the team, then goes out by e-mail).
    "reseau.contact_owner": ("RATELIMIT_CONTACT", "10/hour;30/day", None),
    "localisation.localisation": ("RATELIMIT_UPLOADS", "20/minute", ["POST"]),
    "localisation.enrichir": ("RATELIMIT_UPLOADS", "20/minute", None),
    "localisation.api_adresses": ("RATELIMIT_ADDRESS", "60/minute", None),
    "localisation.api_communes": ("RATELIMIT_API", "300/minute", None),
    # Map parcel selection (one API Carto call per click) and the perimeter's surface.
    "localisation.api_parcelle": ("RATELIMIT_PARCELS", "60/minute", None),
    "localisation.api_surface": ("RATELIMIT_PARCELS", "60/minute", None),
    "api.parcours": ("RATELIMIT_API", "120/minute", None),
    # Portfolios: an inventory upload is a heavy job (app.portfolio).
    "portfolio.create": ("RATELIMIT_UPLOADS", "20/minute", None),
    "portfolio.reimport": ("RATELIMIT_UPLOADS", "20/minute", None),
    "portfolio.api_lot": ("RATELIMIT_UPLOADS", "20/minute", None),
    # The council summary PDF: about half a second of CPU each (bench/pdf_bench.py).
    "synthese.pdf": ("RATELIMIT_PDF", "10/minute;60/hour", None),
    # Accounts (issue 15): codes and invitations send mail; code tries are also capped per code.
    "accounts.login": ("RATELIMIT_LOGIN_IP", "20/hour", ["POST"]),
    "accounts.login_code": ("RATELIMIT_CODE_IP", "10/minute;60/hour", ["POST"]),
    "accounts.invite": ("RATELIMIT_INVITATIONS", "30/hour", None),
    "accounts.adviser_site": ("RATELIMIT_COMMENTS", "30/hour", ["POST"]),
    "accounts.comment_as_member": ("RATELIMIT_COMMENTS", "30/hour", None),
    "accounts.unsubscribe": ("RATELIMIT_VOTES", "30/minute", ["POST"]),
    "accounts.unsubscribe_all": ("RATELIMIT_VOTES", "30/minute", ["POST"]),
}


# endpoint → (config key, default limit, methods, key function): limits counted per something
# else than the client's address.
def _email_key() -> str:
    """The typed e-mail address, as a keyed hash (no address in the limiter's storage)."""
    import hashlib
    import hmac

    from flask import request

    from app.accounts.service import normalize_email

    email = normalize_email(request.form.get("email")) or "(invalide)"
    secret = current_app.config["SECRET_KEY"].encode()
    return "email:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()


KEYED_LIMITS = {
    "accounts.login": ("RATELIMIT_LOGIN_EMAIL", "5/15 minutes;20/day", ["POST"], _email_key),
}


def _limit(key: str, default: str):
    return lambda: current_app.config.get(key) or default


def init_limits(app: Flask) -> Limiter:
    """One limiter per app (its own counters), wrapping each limited view; called after the
    blueprints are registered."""
    limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter  # the views hold it weakly
    for endpoint, (key, default, methods) in LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(_limit(key, default), methods=methods)(view)
    for endpoint, (key, default, methods, key_func) in KEYED_LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(
                _limit(key, default), methods=methods, key_func=key_func
            )(view)
    return limiter
