"""« Mes sites » and the advisers' view read the database a fixed number of times, whatever the
number of sites: a département's adviser may follow hundreds (bench/accounts_bench.py)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import event

from app.accounts.advisers import SHARE_KIND
from app.accounts.models import Account, SiteActivity, SiteMember
from app.extensions import db
from app.models import Answer, Site, StepProgress
from tests.conftest import app_in_context, make_app

from .conftest import mail_config

ADVISER = "agent@ddt-62.gouv.fr"


@pytest.fixture
def app(database_url, _schema, smtp, tmp_path):
    advisers = tmp_path / "conseillers.yaml"
    advisers.write_text(
        f'conseillers:\n  - courriel: {ADVISER}\n    organisme: DDT\n    departements: ["62"]\n',
        encoding="utf-8",
    )
    app = make_app(
        database_url, ADVISERS_FILE=str(advisers), ADVISERS_REQUIRE_PROCONNECT=False, **mail_config(smtp)
    )
    yield from app_in_context(app)


def _add_sites(owner: Account, first: int, count: int, shares=(True,)) -> None:
    for i in range(first, first + count):
        site = Site(nom=f"Friche n° {i}", commune_code="62528", departement_code="62", region_code="32")
        db.session.add(site)
        db.session.flush()
        db.session.add_all(
            [
                Answer(site_id=site.id, question_id="usage", value="habitat"),
                Answer(site_id=site.id, question_id="sol_pollution_existe", value="pollution supposée"),
                StepProgress(site_id=site.id, step_id="inventaire-site", status="fait"),
                SiteMember(site_id=site.id, account_id=owner.id, role="proprietaire"),
                SiteActivity(site_id=site.id, account_id=owner.id, kind="etape", text="…"),
            ]
        )
        for active in shares:
            db.session.add(
                SiteActivity(
                    site_id=site.id, account_id=owner.id, kind=SHARE_KIND, text="…", data={"actif": active}
                )
            )
    db.session.commit()


def _client(app, account: Account):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
    return client


def _queries(client, url: str) -> tuple[int, str]:
    statements = []

    def count(*args):
        statements.append(args[2])

    db.session.remove()  # nothing kept from an earlier request, as when served
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), html.unescape(response.text)


def test_account_pages_do_not_query_per_site(app):
    owner, adviser = Account(email="cheffe@cc-exemple.fr"), Account(email=ADVISER)
    db.session.add_all([owner, adviser])
    db.session.commit()
    _add_sites(owner, 1, 2)
    mine, adviser_client = _client(app, owner), _client(app, adviser)
    pages = (("/mes-sites", mine), ("/conseiller", adviser_client))
    for url, client in pages:
        _queries(client, url)  # a process's first request also loads what it keeps (content)
    few = {url: _queries(client, url)[0] for url, client in pages}

    _add_sites(owner, 3, 10)
    _add_sites(owner, 13, 1, shares=(True, False))  # shared, then no longer
    _add_sites(owner, 14, 1, shares=())  # never shared
    _add_sites(owner, 15, 1, shares=(False, True))  # shared again
    queries, page = _queries(mine, "/mes-sites")
    assert queries == few["/mes-sites"]
    assert "15 sites affichés sur 15" in page
    queries, page = _queries(adviser_client, "/conseiller")
    assert queries == few["/conseiller"]
    shown = {i for i in range(1, 16) if f">Friche n° {i}</a>" in page}
    assert shown == set(range(1, 13)) | {15}  # only the sites shared now
