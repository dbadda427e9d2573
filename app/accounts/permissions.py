"""Who may do what on a site — one place, applied to every ``/sites/<token>…`` route.

- A site attached to no account is reached by its private link alone, with every right (as
  before accounts existed): the link is the key.
- Once attached, the link is only an address: the site's pages answer to its members, each
  with their role — ``lecteur`` reads, ``editeur`` also writes, ``proprietaire`` also manages
  the people, the link and the deletion. Someone logged in who is not a member gets a 404,
  exactly as for an unknown link; someone not logged in is sent to the login page.

:func:`check_site_request` runs before every request whose URL starts with ``/sites/<token>``
(``GET``/``HEAD`` need ``read``, any other method ``write``), so that a write route added later
is covered without anyone remembering to call a helper. Views that need more (``manage``) call
:func:`require_site_access` themselves. A « lecteur » is offered nothing that writes: the
templates read :func:`may_write`, the layout says once why (« Vous consultez ce site en
lecture… »), and the pages that only write send them to the page that shows the same
information (:func:`readers_see`).

The read-only share links have their own prefix, ``/lecture/<secret>``, out of reach of that
check: :func:`check_read_only_request` runs before every request under it, finds the site of the
link (or answers the French 404 page), refuses any method but ``GET``/``HEAD`` and sets
``g.read_only``, which the views and templates read (no form, no private URL).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import LEVELS, ROLE_LEVEL, ROLES, SiteMember
from app.accounts.share import site_for
from app.models import Site

LINK = "lien"  # the role of whoever holds the link of a site attached to no account
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# views that check access themselves (e.g. leaving a site is allowed to a reader)
SELF_CHECKED: set[str] = set()
# GET pages whose only purpose is writing (a questionnaire page, the Cartofriches choice, the
# publication form) → the page that shows the same information to whoever may not write
# (see :func:`readers_see`)
READER_PAGES: dict[str, str] = {}


def site_role(site: Site) -> str | None:
    """The current visitor's role on ``site``: a key of :data:`ROLES`, :data:`LINK` for a site
    attached to no account, or None (no access)."""
    cache = g.setdefault("_site_roles", {})
    if site.id in cache:
        return cache[site.id]
    members = members_of(site)
    if not members:
        role = LINK
    elif current_user.is_authenticated:
        role = next((m.role for m in members if m.account_id == current_user.id), None)
    else:
        role = None
    cache[site.id] = role
    return role


def members_of(site: Site) -> list[SiteMember]:
    return SiteMember.query.filter_by(site_id=site.id).order_by(SiteMember.created_at, SiteMember.id).all()


def is_attached(site: Site) -> bool:
    return SiteMember.query.filter_by(site_id=site.id).first() is not None


def forget_roles() -> None:
    """After a change of members in this request."""
    g.pop("_site_roles", None)


def can(site: Site, level: str) -> bool:
    role = site_role(site)
    if role is None:
        return False
    return (3 if role == LINK else ROLE_LEVEL[role]) >= LEVELS[level]


def may_write() -> bool:
    """Whether the page being rendered may offer forms that change the site: not through a
    read-only share link, not to a « lecteur » (the templates read it as ``may_write``; a
    post would be refused anyway, by :func:`check_site_request`)."""
    return g.get("read_only") is None and g.get("site_role") != "lecteur"


def readers_see(target: str, *endpoints: str) -> None:
    """A « lecteur » asking for one of ``endpoints`` (``GET``) is sent to ``target`` (an endpoint
    taking the site's ``token``), where the notice of the layout says why nothing can be changed."""
    READER_PAGES.update(dict.fromkeys(endpoints, target))


def require_site_access(site: Site, level: str = "read") -> str:
    """Abort unless the visitor may ``level`` (``read``, ``write``, ``manage``) on ``site``;
    return their role. No access: 404 when logged in (no hint that the link exists), the login
    page otherwise (a GET: the page comes back after login)."""
    role = site_role(site)
    if role is None:
        if not current_user.is_authenticated and request.method in SAFE_METHODS:
            abort(redirect(url_for("accounts.login", next=request.full_path.rstrip("?"))))
        abort(404)
    if not can(site, level):
        message = f"Votre rôle sur ce site est « {ROLES.get(role, role)} » : " + (
            "vous pouvez consulter le site, pas le modifier."
            if role == "lecteur"
            else "seul un propriétaire du site peut faire cette action."
        )
        abort(
            make_response(
                render_template("errors/error.html", code=403, title="Accès refusé", message=message), 403
            )
        )
    return role


def check_site_request():
    """``before_request``: the access every ``/sites/<token>…`` request needs."""
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/sites/<token>") or request.endpoint in SELF_CHECKED:
        return None
    token = (request.view_args or {}).get("token")
    site = Site.query.filter_by(token=token).first() if token else None
    if site is None:
        return None  # the view answers 404 as before
    require_site_access(site, "read" if request.method in SAFE_METHODS else "write")
    g.site_role = site_role(site)
    target = READER_PAGES.get(request.endpoint or "")
    if target and request.method in SAFE_METHODS and not may_write():
        return redirect(url_for(target, token=site.token))
    return None


READ_ONLY_PREFIX = "/lecture/<secret>"


@dataclass(frozen=True)
class ReadOnly:
    """A visit through a read-only share link: the site and the addresses of its read-only pages
    (the templates build every site link from here instead of the private link)."""

    site: Site
    secret: str

    @property
    def home(self) -> str:
        return url_for("lecture.site", secret=self.secret)

    @property
    def path(self) -> str:
        return url_for("lecture.path", secret=self.secret)

    def step(self, step_id: str) -> str:
        return url_for("lecture.step", secret=self.secret, step_id=step_id)


def unknown_share_link():
    return make_response(
        render_template(
            "errors/error.html",
            code=404,
            title="Lien de lecture introuvable",
            message="Ce lien de lecture ne fonctionne pas ou plus : il a peut-être été remplacé ou "
            "supprimé par les personnes qui gèrent le site. Demandez-leur le nouveau lien.",
        ),
        404,
    )


def check_read_only_request():
    """``before_request``: every ``/lecture/<secret>…`` request reads, through a live link."""
    g.pop("read_only", None)  # the app context may outlive a request (tests, CLI)
    rule = request.url_rule
    if rule is None or not rule.rule.startswith(READ_ONLY_PREFIX):
        return None
    if request.method not in ("GET", "HEAD"):
        abort(405)
    secret = (request.view_args or {}).get("secret", "")
    site = site_for(secret, current_app.config["SECRET_KEY"])
    if site is None:
        return unknown_share_link()
    g.read_only = ReadOnly(site, secret)
    return None


def read_only_headers(response):
    """``after_request`` (run after the security headers, see app.accounts.routes): a read-only
    page is never stored, indexed, or named in the ``Referer`` of a link followed from it."""
    if request.path.startswith("/lecture/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
