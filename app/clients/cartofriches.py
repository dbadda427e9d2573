"""Cartofriches (Cerema) through the API « Données foncières »: the friches of a commune and
the CNIG record of one friche. No Flask import.

Contract (read from the Cerema's own client, ``apifoncier``, and from integrations of 2026):
``GET /cartofriches/friches/?code_insee=<INSEE>&page_size=<n>`` → DRF pagination ``{count,
next, previous, results: [{site_id, site_nom, site_type, site_statut, comm_nom, comm_insee,
unite_fonciere_surface, urba_zone_type, source_nom, …}]}``; ``GET /cartofriches/friches/
{site_id}/`` → one friche with its CNIG fields (``sol_pollution_existe``, ``bati_etat``,
``urba_zone_type``…). No key. ``unite_fonciere_refcad`` comes as a list, or as the text of a
Python list.

Same rules as the other enrichment clients (:mod:`app.clients.base`): timeout ≤ 3 s, bounded
retries, TTL cache of successful answers, a :class:`Result` envelope that never raises; and
here a bound on the size of each answer (read in chunks, refused past ``max_bytes``).
"""

from __future__ import annotations

import ast
import json
import re
import time

import requests

from .base import ECHEC, SUCCES, ClientError, HttpClient, Result, as_dict, as_list

DEFAULT_URL = "https://apidf-preprod.cerema.fr"
MAX_BYTES = 2 * 1024 * 1024
PAGE_SIZE = 100
SITE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
SUMMARY_FIELDS = ("site_id", "site_nom", "site_type", "site_statut", "comm_nom", "comm_insee", "site_adresse")


class CartofrichesClient(HttpClient):
    source = "Cartofriches"

    def __init__(self, base_url: str = DEFAULT_URL, *, max_bytes: int = MAX_BYTES, **kw):
        super().__init__(base_url, **kw)
        self.max_bytes = max_bytes

    def _get(self, path: str, params: dict | None = None):
        """JSON of a GET, with the size bound; raises :class:`ClientError` in French."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        key = (url, tuple(sorted((params or {}).items())))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        last_error = f"{self.source} est injoignable."
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(0.2 * attempt)
            try:
                with self.session.get(url, params=params, timeout=self.timeout, stream=True) as resp:
                    if resp.status_code in (502, 503, 504):
                        last_error = f"{self.source} a répondu par une erreur ({resp.status_code})."
                        continue
                    if resp.status_code == 404:
                        raise ClientError(f"{self.source} ne connaît pas cette friche.")
                    if resp.status_code >= 400:
                        raise ClientError(f"{self.source} a refusé la requête ({resp.status_code}).")
                    declared = resp.headers.get("Content-Length")
                    if declared and declared.isdigit() and int(declared) > self.max_bytes:
                        raise ClientError(f"{self.source} a renvoyé une réponse trop volumineuse.")
                    body = bytearray()
                    for chunk in resp.iter_content(65536):
                        body += chunk
                        if len(body) > self.max_bytes:
                            raise ClientError(f"{self.source} a renvoyé une réponse trop volumineuse.")
            except requests.Timeout:
                raise ClientError(f"{self.source} n'a pas répondu à temps.") from None
            except requests.RequestException:
                last_error = f"{self.source} est injoignable."
                continue
            try:
                data = json.loads(bytes(body))
            except ValueError:
                raise ClientError(f"{self.source} a renvoyé une réponse illisible.") from None
            self.cache.set(key, data)
            return data
        raise ClientError(last_error)

    def friches(self, code_insee: str) -> Result:
        """The friches Cartofriches knows in a commune (first ``PAGE_SIZE``), as short summaries."""
        if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", code_insee or ""):
            return Result.failure(self.source, "Code INSEE invalide.")
        try:
            data = as_dict(
                self._get("/cartofriches/friches/", {"code_insee": code_insee, "page_size": PAGE_SIZE})
            )
        except ClientError as exc:
            return Result.failure(self.source, str(exc))
        sites = []
        for item in as_list(data.get("results")):
            item = as_dict(item)
            sid = str(item.get("site_id") or "")
            if not SITE_ID.match(sid):
                continue
            summary = {k: _text(item.get(k)) for k in SUMMARY_FIELDS}
            summary["surface_m2"] = _number(item.get("unite_fonciere_surface"))
            sites.append(summary)
        count = data.get("count") if isinstance(data.get("count"), int) else len(sites)
        result = Result(self.source, SUCCES, {"friches": sites, "total": count})
        if count > len(sites):
            result.avertissement = (
                f"{count} friches recensées dans la commune : les {len(sites)} premières sont listées ; "
                "donnez l'identifiant de la vôtre si elle n'y figure pas."
            )
        return result

    def friche(self, site_id: str) -> Result:
        """One friche: its CNIG fields as text (``donnees["cnig"]``)."""
        site_id = (site_id or "").strip()
        if not SITE_ID.match(site_id):
            return Result.failure(
                self.source, "Identifiant Cartofriches invalide : il ressemble à « 14258_26849 »."
            )
        try:
            data = as_dict(self._get(f"/cartofriches/friches/{site_id}/"))
        except ClientError as exc:
            return Result.failure(self.source, str(exc))
        if str(data.get("site_id") or "") != site_id:
            return Result(
                self.source, ECHEC, {}, f"{self.source} a renvoyé une autre friche que celle demandée."
            )
        return Result(
            self.source, SUCCES, {"cnig": {k: _text(v) for k, v in data.items() if isinstance(k, str)}}
        )


def _number(value) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _text(value) -> str:
    """A value of the API as CNIG text: lists joined with ``|``, numbers as integers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "|".join(_text(v) for v in value if v is not None)
    if isinstance(value, float):  # CNIG numbers are integers (m², years, counts)
        return str(round(value))
    if isinstance(value, dict):
        return ""
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(parsed, list):
            return _text(parsed)
    return text
