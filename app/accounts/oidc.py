"""ProConnect (public agents) and FranceConnect (private project holders): OpenID Connect with
Authlib, the same code for both.

Settings per provider (``PROCONNECT_…`` or ``FRANCECONNECT_…``): ``ISSUER`` (the provider's
issuer URL, whose ``/.well-known/openid-configuration`` is read), ``CLIENT_ID``,
``CLIENT_SECRET``, ``SCOPES``, ``ACR`` (the level of assurance asked for and required in the ID
token, ``eidas1`` by default as ProConnect documents it), ``AMR`` (optional: an authentication
method the ``amr`` claim must contain, e.g. ``mfa``). A provider without issuer or client id is
off, and its button is not shown.

Authlib checks the state, the nonce, and the ID token's signature (the provider's JWKS),
issuer, audience and expiry. The userinfo answer of ProConnect is a signed JWT
(``application/jwt``): it is verified with the same JWKS, its issuer and audience checked, and
its ``sub`` must be the ID token's. Logout ends the provider's session too (``end_session``
with the ``id_token_hint`` kept in the session).
"""

from __future__ import annotations

import json
import os

import requests
from authlib.integrations.flask_client import OAuth
from flask import current_app

PROVIDERS = {
    "proconnect": {
        "label": "ProConnect",
        "scopes": "openid email given_name usual_name siret",
        "acr": "eidas1",
    },
    "franceconnect": {
        "label": "FranceConnect",
        "scopes": "openid email given_name family_name",
        "acr": "eidas1",
    },
}
TIMEOUT = 5  # seconds, for every call to the provider


class OIDCError(RuntimeError):
    """The provider's answer cannot be trusted or is not enough; the message is French."""


def settings(environ) -> dict:
    values = {}
    for name, defaults in PROVIDERS.items():
        prefix = name.upper()
        values[f"{prefix}_ISSUER"] = environ.get(f"{prefix}_ISSUER", "").rstrip("/")
        values[f"{prefix}_CLIENT_ID"] = environ.get(f"{prefix}_CLIENT_ID", "")
        values[f"{prefix}_CLIENT_SECRET"] = environ.get(f"{prefix}_CLIENT_SECRET", "")
        values[f"{prefix}_SCOPES"] = environ.get(f"{prefix}_SCOPES", defaults["scopes"])
        values[f"{prefix}_ACR"] = environ.get(f"{prefix}_ACR", defaults["acr"])
        values[f"{prefix}_AMR"] = environ.get(f"{prefix}_AMR", "")
    return values


def init_oidc(app) -> None:
    for key, value in settings(os.environ).items():
        app.config.setdefault(key, value)
    oauth = OAuth(app)  # one registry per app
    app.extensions["oidc_oauth"] = oauth
    registered = app.extensions.setdefault("oidc_providers", [])
    for name in PROVIDERS:
        prefix = name.upper()
        if not (app.config.get(f"{prefix}_ISSUER") and app.config.get(f"{prefix}_CLIENT_ID")):
            continue
        registered.append(name)
        oauth.register(
            name,
            client_id=app.config[f"{prefix}_CLIENT_ID"],
            client_secret=app.config[f"{prefix}_CLIENT_SECRET"],
            server_metadata_url=app.config[f"{prefix}_ISSUER"] + "/.well-known/openid-configuration",
            client_kwargs={"scope": app.config[f"{prefix}_SCOPES"], "default_timeout": TIMEOUT},
        )


def enabled(name: str) -> bool:
    return name in current_app.extensions.get("oidc_providers", [])


def client(name: str):
    return current_app.extensions["oidc_oauth"].create_client(name)


def authorize_params(name: str) -> dict:
    """Extra parameters of the authorization request: the level of assurance asked for."""
    acr = current_app.config.get(f"{name.upper()}_ACR")
    if not acr:
        return {}
    claims = {"id_token": {"acr": {"essential": True, "value": acr}, "amr": {"essential": True}}}
    return {"acr_values": acr, "claims": json.dumps(claims)}


def _userinfo(name: str, token: dict, id_claims: dict) -> dict:
    oidc = client(name)
    metadata = oidc.load_server_metadata()
    # The access token is sent as is: ProConnect's live 60 s, which Authlib's session would
    # already take for expired (its 60 s leeway) and refuse to send.
    response = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=TIMEOUT,
    )
    if response.status_code != 200:
        raise OIDCError("Le service d'identification n'a pas transmis votre profil. Réessayez.")
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            keys = KeySet.import_key_set(oidc.fetch_jwk_set())
            decoded = jwt.decode(response.text, keys)
            claims = dict(decoded.claims)
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": oidc.client_id},
            ).validate(claims)
        except (JoseError, ValueError) as error:
            raise OIDCError("La réponse du service d'identification n'est pas valide.") from error
    else:
        claims = response.json()
    if claims.get("sub") != id_claims.get("sub"):
        raise OIDCError("La réponse du service d'identification n'est pas valide.")
    return claims


def finish_login(name: str) -> tuple[str, dict]:
    """After the provider's redirect: (verified e-mail, ID token). Raises :class:`OIDCError`."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = client(name).authorize_access_token()
    except (OAuthError, ValueError, KeyError) as error:
        raise OIDCError("La connexion n'a pas abouti ou a expiré. Recommencez.") from error
    id_claims = token.get("userinfo") or {}
    prefix = name.upper()
    acr = current_app.config.get(f"{prefix}_ACR")
    if acr and id_claims.get("acr") != acr:
        raise OIDCError(
            "Le niveau d'authentification transmis ne correspond pas à celui demandé. "
            "Reconnectez-vous avec votre compte professionnel."
        )
    amr = current_app.config.get(f"{prefix}_AMR")
    if amr and amr not in (id_claims.get("amr") or []):
        raise OIDCError("Une authentification renforcée (double facteur) est demandée pour ce service.")
    info = _userinfo(name, token, id_claims)
    email = info.get("email")
    if not email:
        raise OIDCError("Le service d'identification n'a pas transmis d'adresse électronique.")
    return email, token


def logout_url(name: str, id_token: str, after: str) -> str | None:
    metadata = client(name).load_server_metadata()
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    from urllib.parse import urlencode

    return endpoint + "?" + urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": after})
