"""No input, however large, repeated, nested or malformed, gives a 500 — on *every* route of the
service, including the ones added after this test was written: the routes are read from the
app's URL map, not listed by hand. Each route is called on a real site (reachable by its private
link, with every right) so that the hostile input reaches the view, not only the 404."""

from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.models import Site, utcnow

# Known-good values for the URL variables the service uses; anything else gets "x" (or 1).
KNOWN_ARGS = {
    "step_id": "inventaire-site",
    "group_id": "histoire",
    "provider": "proconnect",
    "resource_id": "modele-retroplanning",
}

BIG = "é" * 60_000
HOSTILE_FORMS = {
    "huge fields": {f"champ{i}": BIG for i in range(8)},
    "repeated key": {"statut": ["fait"] * 5_000},
    "every usual field, odd values": {
        name: value
        for name, value in [
            ("nom", BIG),
            ("email", "a@" + "b" * 300 + ".fr"),
            ("courriel", "<script>alert(1)</script>@x.fr"),
            ("message", "\u202e" * 4000),
            ("statut", "{{7*7}}"),
            ("role", "proprietaire'; DROP TABLE site; --"),
            ("utile", "peut-être"),
            ("code", "9" * 500),
            ("next", "//evil.example/"),
            ("commune", "%00"),
            ("page", "99999999999999999999999"),
            ("titre", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")),
        ]
    },
}
HOSTILE_BODIES = {
    "invalid utf-8": (b"nom=\xff\xfe\xfd&statut=\xc3", "application/x-www-form-urlencoded"),
    "nested json": (b"[" * 20_000 + b"]" * 20_000, "application/json"),
    "json object": (json.dumps({"site": {"nom": BIG}}).encode(), "application/json"),
    "broken multipart": (
        b"--x\r\nContent-Disposition: form-data; name=\r\n\r\n",
        "multipart/form-data; boundary=x",
    ),
    "binary": (bytes(range(256)) * 200, "application/octet-stream"),
}
HOSTILE_QUERIES = [
    "?" + "&".join(f"a{i}=1" for i in range(2_000)),
    "?q=" + "x" * 20_000,
    "?page=-1&tri=%3Cscript%3E&limit=99999999999999999999",
    "?next=https://evil.example/&format=../../etc/passwd",
    "?famille[]=1&phase=%FF%FE",
]


@pytest.fixture
def site_token(app):
    site = Site(nom="Ancienne scierie")
    db.session.add(site)
    db.session.commit()
    return site.token


@pytest.fixture(params=["link", "owner"])
def visitor(request, app, site_token):
    """Who sends the hostile input: the holder of a site's private link (site attached to no
    account), or the logged-in owner of an attached site with a published project — so that the
    account, access and network routes are reached too, not only their 404."""
    from app.accounts.models import Account, SiteMember
    from app.reseau.models import ProjetInspirant

    client = app.test_client()
    args = {"token": site_token}
    if request.param == "owner":
        site = Site.query.filter_by(token=site_token).one()
        account = Account(email="maire@commune.fr")
        db.session.add(account)
        db.session.flush()
        member = SiteMember(site_id=site.id, account_id=account.id, role="proprietaire")
        projet = ProjetInspirant(site_id=site.id, titre="La scierie", statut="publie", publie_le=utcnow())
        db.session.add_all([member, projet])
        db.session.commit()
        args |= {"member_id": member.id, "site_id": site.id, "public_id": projet.public_id}
        with client.session_transaction() as session:
            session["_user_id"] = account.get_id()
            session["_fresh"] = True
    return client, args


def _routes(app, method):
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint == "static" or rule.rule.startswith("/static"):
            continue
        yield rule


def _url(rule, args):
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if name in args:
            values[name] = args[name]
        elif converter == "IntegerConverter":
            values[name] = 1
        else:
            values[name] = KNOWN_ARGS.get(name, "x")
    from flask import url_for

    return url_for(rule.endpoint, **values)


def test_every_post_route_survives_hostile_input(app, visitor):
    client, args = visitor
    failures = []
    with app.test_request_context():
        urls = [_url(rule, args) for rule in _routes(app, "POST")]
    assert len(urls) > 30  # the sweep really sees the service's routes
    for url in urls:
        for label, form in HOSTILE_FORMS.items():
            status = client.post(url, data=form).status_code
            if status >= 500:
                failures.append(f"POST {url} ({label}) → {status}")
        for label, (body, content_type) in HOSTILE_BODIES.items():
            status = client.post(url, data=body, content_type=content_type).status_code
            if status >= 500:
                failures.append(f"POST {url} ({label}) → {status}")
    assert failures == []


def test_every_page_survives_hostile_query_strings(app, visitor):
    client, args = visitor
    failures = []
    with app.test_request_context():
        urls = [_url(rule, args) for rule in _routes(app, "GET")]
    assert len(urls) > 50
    for url in urls:
        for query in HOSTILE_QUERIES:
            status = client.get(url + query).status_code
            if status >= 500:
                failures.append(f"GET {url}{query[:40]} → {status}")
    assert failures == []
