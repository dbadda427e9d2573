"""ProConnect (OpenID Connect) against a local OpenID provider started by the test
(oidc-provider-mock): login, the acr check, a forged state, logout at the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from app.accounts.models import Account
from tests.conftest import app_in_context, make_app

from .conftest import new_site


@pytest.fixture
def provider(oidc_provider):
    return oidc_provider


@pytest.fixture
def proconnect_app(database_url, _schema, provider, tmp_path):
    app = make_app(
        database_url,
        ADVISERS_FILE=str(tmp_path / "conseillers.yaml"),
        PROCONNECT_ISSUER=provider,
        PROCONNECT_CLIENT_ID="parcours-friches",
        PROCONNECT_CLIENT_SECRET="secret",
        PUBLIC_URL="http://localhost",
    )
    yield from app_in_context(app)


def _user(provider, sub, **claims):
    response = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def _authorize(client, provider, sub, next_url=None):
    """Start on our side, authorize at the provider, come back; returns our last response."""
    response = client.get("/connexion/proconnect" + (f"?next={quote(next_url)}" if next_url else ""))
    assert response.status_code == 302 and response.location.startswith(provider)
    query = parse_qs(urlsplit(response.location).query)
    assert query["acr_values"] == ["eidas1"] and "nonce" in query and "state" in query
    back = httpx.post(response.location, data={"sub": sub})
    assert back.status_code in (302, 303)
    callback = urlsplit(back.headers["location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_login_with_proconnect(proconnect_app, provider):
    client = proconnect_app.test_client()
    assert "identifier avec ProConnect" in client.get("/connexion").text
    _user(provider, "agent-1", email="Agathe.Martin@ddt-62.gouv.fr", given_name="Agathe", acr="eidas1")
    token = new_site(client)
    response = _authorize(client, provider, "agent-1", next_url=f"/sites/{token}")
    assert response.status_code == 303 and response.location.endswith(f"/sites/{token}")
    assert client.get("/mes-sites").status_code == 200
    assert Account.query.one().email == "agathe.martin@ddt-62.gouv.fr"
    # an adviser logged in with ProConnect opens the advisers' view
    runner = proconnect_app.test_cli_runner()
    args = [
        "conseillers",
        "ajouter",
        "agathe.martin@ddt-62.gouv.fr",
        "--organisme",
        "DDT 62",
        "--departement",
        "62",
    ]
    assert runner.invoke(args=args).exit_code == 0
    assert client.get("/conseiller").status_code == 200

    # logout ends the provider's session too
    response = client.post("/deconnexion")
    assert response.status_code == 303
    location = urlsplit(response.location)
    assert response.location.startswith(provider) and "end_session" in location.path
    assert "id_token_hint" in parse_qs(location.query)
    assert client.get("/mes-sites").status_code == 302


def test_a_lower_level_of_assurance_is_refused(proconnect_app, provider):
    client = proconnect_app.test_client()
    _user(provider, "agent-2", email="b@ddt.gouv.fr")  # no acr in the ID token
    response = _authorize(client, provider, "agent-2")
    assert response.status_code == 303 and response.location.endswith("/connexion")
    assert "niveau d" in client.get("/connexion").text
    assert client.get("/mes-sites").status_code == 302
    assert Account.query.count() == 0


def test_a_forged_callback_logs_nobody_in(proconnect_app, provider):
    client = proconnect_app.test_client()
    client.get("/connexion/proconnect")
    response = client.get("/connexion/proconnect/retour?code=forged&state=forged")
    assert response.status_code == 303 and response.location.endswith("/connexion")
    assert client.get("/mes-sites").status_code == 302


def test_proconnect_is_off_without_configuration(client):
    assert client.get("/connexion/proconnect").status_code == 404
    assert "ProConnect" not in client.get("/connexion").text
