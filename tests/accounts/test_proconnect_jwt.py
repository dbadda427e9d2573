"""ProConnect answers userinfo as a signed JWT (``application/jwt``): a local provider on
pytest-httpserver signs it with its key; a forged signature or another ``sub`` is refused."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from app.accounts.models import Account
from tests.conftest import app_in_context, make_app

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})


@pytest.fixture
def provider(httpserver):
    issuer = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "userinfo_endpoint": issuer + "/userinfo",
            "jwks_uri": issuer + "/jwks",
            "end_session_endpoint": issuer + "/session/end",
            "id_token_signing_alg_values_supported": ["RS256"],
        }
    )
    httpserver.expect_request("/jwks").respond_with_json({"keys": [KEY.as_dict(private=False)]})
    return httpserver, issuer


@pytest.fixture
def app_(database_url, _schema, provider):
    _, issuer = provider
    app = make_app(
        database_url,
        PROCONNECT_ISSUER=issuer,
        PROCONNECT_CLIENT_ID="pf",
        PROCONNECT_CLIENT_SECRET="s",
        PUBLIC_URL="http://localhost",
    )
    yield from app_in_context(app)


def _sign(claims, key=KEY):
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


def _login(app, provider, userinfo_claims, userinfo_key=KEY):
    server, issuer = provider
    client = app.test_client()
    start = client.get("/connexion/proconnect")
    query = parse_qs(urlsplit(start.location).query)
    now = int(time.time())
    id_token = _sign(
        {
            "iss": issuer,
            "aud": "pf",
            "sub": "agent-7",
            "nonce": query["nonce"][0],
            "iat": now,
            "exp": now + 60,
            "acr": "eidas1",
            "amr": ["pwd"],
        }
    )
    server.expect_request("/token", method="POST").respond_with_json(
        {"access_token": "at", "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
    )
    server.expect_request("/userinfo").respond_with_data(
        _sign(userinfo_claims, userinfo_key), content_type="application/jwt"
    )
    response = client.get(f"/connexion/proconnect/retour?code=c&state={query['state'][0]}")
    return client, response


def test_signed_userinfo_is_verified_and_logs_in(app_, provider):
    _, issuer = provider
    claims = {"iss": issuer, "aud": "pf", "sub": "agent-7", "email": "agent@cerema.fr"}
    client, response = _login(app_, provider, claims)
    assert response.status_code == 303 and response.location.endswith("/mes-sites")
    assert Account.query.one().email == "agent@cerema.fr"


@pytest.mark.parametrize(
    "change",
    [
        {"key": OTHER_KEY},  # signed by someone else
        {"claims": {"sub": "agent-8"}},  # another person than the ID token's
        {"claims": {"aud": "another-service"}},  # meant for another service
    ],
    ids=["forged-signature", "other-sub", "other-audience"],
)
def test_an_untrustworthy_userinfo_is_refused(app_, provider, change):
    _, issuer = provider
    claims = {
        "iss": issuer,
        "aud": "pf",
        "sub": "agent-7",
        "email": "agent@cerema.fr",
        **change.get("claims", {}),
    }
    client, response = _login(app_, provider, claims, change.get("key", KEY))
    assert response.status_code == 303 and response.location.endswith("/connexion")
    assert Account.query.count() == 0
    assert client.get("/mes-sites").status_code == 302
