"""Item 4 of issue 13: no lost write when two people edit the same site. A form writes only what
its user changed, against the version it was loaded with; a real conflict shows both values and
lets the user choose; simultaneous first saves upsert (54 of 120 were 500s on PostgreSQL)."""

from __future__ import annotations

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Answer, Site, StepProgress
from tests.conftest import make_app

PAGE = "/sites/{token}/questionnaire/histoire"


@pytest.fixture
def token(app):
    site = Site(commune_code="62528", epci_code="246200364", departement_code="62", region_code="32")
    db.session.add(site)
    db.session.commit()
    return site.token


def answers(token) -> dict:
    db.session.expire_all()
    return Site.query.filter_by(token=token).one().answer_map()


def origin_of(page_html: str) -> str:
    return html.unescape(re.search(r'name="_origine" value="([^"]*)"', page_html).group(1))


def load(client, token) -> str:
    return origin_of(client.get(PAGE.format(token=token)).get_data(as_text=True))


def submit(client, token, origin, **values):
    values.setdefault("site_type", "friche industrielle")  # the page's required question
    return client.post(PAGE.format(token=token), data={"_origine": origin, **values})


def test_an_old_form_does_not_overwrite_what_someone_else_saved(app, token):
    alice, bob = app.test_client(), app.test_client()
    submit(bob, token, load(bob, token), site_type="friche industrielle", bati_nombre="3")
    alice_form = load(alice, token)
    bob_form = load(bob, token)
    assert submit(bob, token, bob_form, site_type="friche industrielle", bati_nombre="5").status_code == 302
    # Alice changes only the type; her form still shows 3 buildings
    assert (
        submit(alice, token, alice_form, site_type="friche commerciale", bati_nombre="3").status_code == 302
    )
    assert answers(token) == {"site_type": "friche commerciale", "bati_nombre": 5}  # Bob's 5 kept


def test_an_old_form_does_not_delete_an_answer_it_did_not_show(app, token):
    alice, bob = app.test_client(), app.test_client()
    alice_form = load(alice, token)  # nothing answered yet
    submit(bob, token, load(bob, token), bati_nombre="2")
    submit(alice, token, alice_form)  # bati_nombre left empty
    assert answers(token) == {"site_type": "friche industrielle", "bati_nombre": 2}


def test_a_real_conflict_shows_both_values_and_the_user_chooses(app, token):
    alice, bob = app.test_client(), app.test_client()
    alice_form = load(alice, token)
    submit(bob, token, load(bob, token), bati_nombre="4")
    response = submit(alice, token, alice_form, bati_nombre="7")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "quelqu'un d'autre a enregistré « 4 »" in html.unescape(page)
    assert "vous aviez saisi « 7 »" in html.unescape(page)
    assert 'value="7"' in page  # her input is kept on screen
    assert answers(token)["bati_nombre"] == 4  # nothing silently overwritten
    # she keeps hers: the page now carries the current version, so the save goes through
    assert submit(alice, token, origin_of(page), bati_nombre="7").status_code == 302
    assert answers(token)["bati_nombre"] == 7


def test_a_step_note_loaded_earlier_does_not_overwrite_another(app, client, token):
    step_url = f"/sites/{token}/parcours/etapes/inventaire-site"
    version = re.search(r'name="version" value="([^"]+)"', client.get(step_url).get_data(as_text=True)).group(
        1
    )
    other = app.test_client()
    other_version = re.search(
        r'name="version" value="([^"]+)"', other.get(step_url).get_data(as_text=True)
    ).group(1)
    assert (
        other.post(
            step_url, data={"statut": "en_cours", "note": "Appel à la DDT le 3", "version": other_version}
        ).status_code
        == 303
    )
    response = client.post(step_url, data={"statut": "fait", "note": "Visite faite", "version": version})
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Appel à la DDT le 3" in page and "Visite faite" in page
    db.session.expire_all()
    assert StepProgress.query.one().note == "Appel à la DDT le 3"
    new_version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            step_url, data={"statut": "fait", "note": "Visite faite", "version": new_version}
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert StepProgress.query.one().note == "Visite faite"


# --- simultaneous first saves over real HTTP, on SQLite and PostgreSQL -------------------------


@pytest.fixture
def server(database_url, _schema):
    served = make_app(database_url)
    httpd = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _parallel(n: int, fn) -> list[int]:
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(5)
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_first_saves_of_one_answer_all_succeed(server, token, round_):
    url = server + PAGE.format(token=token)
    codes = _parallel(
        12,
        lambda i: (
            requests.post(
                url,
                data={"site_type": "friche industrielle", "bati_nombre": str(i)},
                allow_redirects=False,
                timeout=30,
            ).status_code
        ),
    )
    assert all(code in (302, 303) for code in codes), codes
    db.session.expire_all()
    assert Answer.query.filter_by(question_id="bati_nombre").count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_first_saves_of_one_step_status_all_succeed(server, token, round_):
    url = f"{server}/sites/{token}/parcours/etapes/inventaire-site/statut"
    statuses = ["fait", "en_cours", "a_faire", "non_concerne"]
    codes = _parallel(
        12,
        lambda i: (
            requests.post(
                url, data={"statut": statuses[i % 4]}, allow_redirects=False, timeout=30
            ).status_code
        ),
    )
    assert all(code == 303 for code in codes), codes
    db.session.expire_all()
    assert StepProgress.query.count() == 1


def test_simultaneous_first_notes_of_one_step_all_succeed(server, token):
    url = f"{server}/sites/{token}/parcours/etapes/inventaire-site"
    codes = _parallel(
        10,
        lambda i: (
            requests.post(
                url, data={"statut": "en_cours", "note": f"note {i}"}, allow_redirects=False, timeout=30
            ).status_code
        ),
    )
    assert all(code == 303 for code in codes), codes
