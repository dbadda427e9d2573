"""The read-only share link of a site (issue 15, item 4): opt-in, one per site, regenerable and
revocable by whoever manages the site. Whoever holds it reads the site's summary, its path and
its step pages under ``/lecture/<secret>`` — never a form, the people or the private link.

The secret (256 bits, URL-safe) is an HMAC of a random nonce under ``SECRET_KEY``; the table
keeps the nonce and a keyed hash of the secret, by which a visit finds the site (see
:class:`app.accounts.models.ShareLink`). Changing ``SECRET_KEY`` ends every share link, as it
ends the calendar feeds and the unsubscribe links. No Flask import; the caller commits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from app.accounts.models import ShareLink
from app.extensions import db
from app.models import Site

SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _secret_of(link: ShareLink, key: str) -> str:
    digest = hmac.new(key.encode(), f"lecture\x1f{link.site_id}\x1f{link.nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def _hash(secret: str, key: str) -> str:
    return hmac.new(key.encode(), f"lecture-index\x1f{secret}".encode(), hashlib.sha256).hexdigest()


def link_of(site: Site) -> ShareLink | None:
    return ShareLink.query.filter_by(site_id=site.id).first()


def secret_of(site: Site, key: str) -> str | None:
    """The secret of the site's share link, or None when it has none."""
    link = link_of(site)
    return _secret_of(link, key) if link is not None else None


def renew(site: Site, key: str) -> tuple[ShareLink, bool]:
    """Create the site's share link, or give it a new secret (the old one stops working at
    once). Returns the row and whether it existed before."""
    link = link_of(site)
    existed = link is not None
    if link is None:
        link = ShareLink(site_id=site.id)
        db.session.add(link)
    link.nonce = secrets.token_hex(16)
    link.token_hash = _hash(_secret_of(link, key), key)
    return link, existed


def revoke(site: Site) -> bool:
    """Delete the site's share link; False when there was none."""
    return ShareLink.query.filter_by(site_id=site.id).delete(synchronize_session=False) > 0


def site_for(secret: str, key: str) -> Site | None:
    """The site a share link opens, or None (malformed, unknown, regenerated or revoked)."""
    if not SECRET.match(secret or ""):
        return None
    link = ShareLink.query.filter_by(token_hash=_hash(secret, key)).first()
    if link is None or not hmac.compare_digest(_secret_of(link, key), secret):
        return None
    return link.site
