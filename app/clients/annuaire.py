"""Annuaire de l'administration (DILA), public API on Opendatasoft « Explore v2.1 », no key:
the official address, phone, e-mail and website of the local services competent for a commune
(préfecture, sous-préfecture, DDT(M), mairie, intercommunality). No Flask import.

Two datasets (``…/catalog/datasets/<id>/records``):

- ``api-lannuaire-administration-locale-competence-geographique``: for a commune
  (``code_insee_commune``) and a service type (``code_type_service_local``), the id(s) of the
  competent service (``id_service_local``);
- ``api-lannuaire-administration``: the service records (``nom``, ``adresse``, ``telephone``,
  ``adresse_courriel``, ``site_internet``, ``url_service_public``, ``date_modification``).

List fields often come back as JSON serialised in a string (sometimes twice): both forms are
accepted. Only ``https`` websites are kept; record pages on the old ``service-public.fr`` host
are rewritten to ``service-public.gouv.fr``. Responses are size-bounded, cached (the data is
updated daily) and every failure becomes an ``échec`` result: the page then keeps its link to
the directory search.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from typing import Any

import requests

from .base import ECHEC, PARTIEL, SUCCES, ClientError, HttpClient, Result, TTLCache

DEFAULT_URL = "https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1/catalog/datasets"
SERVICES = "api-lannuaire-administration"
COMPETENCE = "api-lannuaire-administration-locale-competence-geographique"
# Service types of the Annuaire this client looks up (``type_service_local`` codes).
TYPES = ("prefecture", "sous_pref", "ddt", "mairie", "epci")
MAX_BYTES = 512 * 1024  # one commune's records are a few kilobytes
MAX_SERVICES = 3  # per type: several services can be competent, never a whole list
FIELDS = "id,nom,pivot,adresse,telephone,adresse_courriel,site_internet,url_service_public,date_modification"
OLD_HOST = "https://lannuaire.service-public.fr/"
NEW_HOST = "https://lannuaire.service-public.gouv.fr/"


@dataclass(frozen=True)
class Coordonnees:
    """One official service as the Annuaire gives it (every field may be empty)."""

    nom: str
    adresse: str | None = None
    telephone: str | None = None
    courriel: str | None = None
    site: str | None = None  # https only
    fiche: str | None = None  # the record's page on the Annuaire
    mise_a_jour: str | None = None  # « jj/mm/aaaa », the record's last update

    def to_dict(self) -> dict:
        return asdict(self)


def decoded(value: Any) -> Any:
    """A list field as a Python value, whether the API sent it as JSON or as JSON in a string."""
    for _ in range(2):
        if not isinstance(value, str):
            break
        try:
            value = json.loads(value)
        except ValueError:
            break
    return value


def _items(value: Any) -> list:
    value = decoded(value)
    if isinstance(value, list):
        return value
    return [value] if value not in (None, "") else []


def _address(record: dict) -> str | None:
    for item in _items(record.get("adresse")):
        if not isinstance(item, dict):
            continue
        if item.get("type_adresse") not in (None, "", "Adresse"):
            continue
        parts = [item.get(k) for k in ("complement1", "complement2", "numero_voie", "service_distribution")]
        town = " ".join(p for p in (item.get("code_postal"), item.get("nom_commune")) if p)
        text = ", ".join(p.strip() for p in [*parts, town] if isinstance(p, str) and p.strip())
        if text:
            return text
    return None


def _phone(record: dict) -> str | None:
    for item in _items(record.get("telephone")):
        value = item.get("valeur") if isinstance(item, dict) else item
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _email(record: dict) -> str | None:
    for item in _items(record.get("adresse_courriel")):
        for value in str(item).split(";"):
            if "@" in value and " " not in value.strip():
                return value.strip()
    return None


def _website(record: dict) -> str | None:
    for item in _items(record.get("site_internet")):
        value = item.get("valeur") if isinstance(item, dict) else item
        if isinstance(value, str) and value.startswith("https://"):
            return value
    return None


def _record_page(record: dict) -> str | None:
    url = record.get("url_service_public")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    url = url.replace("http://", "https://", 1)
    return NEW_HOST + url[len(OLD_HOST) :] if url.startswith(OLD_HOST) else url


def _types(record: dict) -> set[str]:
    return {str(p.get("type_service_local")) for p in _items(record.get("pivot")) if isinstance(p, dict)}


def coordonnees(record: dict) -> Coordonnees | None:
    """The fields shown to users, from one record of ``api-lannuaire-administration``."""
    name = record.get("nom")
    if not isinstance(name, str) or not name.strip():
        return None
    return Coordonnees(
        nom=name.strip(),
        adresse=_address(record),
        telephone=_phone(record),
        courriel=_email(record),
        site=_website(record),
        fiche=_record_page(record),
        mise_a_jour=(
            str(record["date_modification"]).split(" ")[0] if record.get("date_modification") else None
        ),
    )


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "").replace('"', "") + '"'


class AnnuaireClient(HttpClient):
    """Coordinates of the services competent for a commune, one type at a time."""

    source = "Annuaire de l'administration"

    def get_json(self, path: str, params: dict | None = None):
        """As :meth:`HttpClient.get_json`, with the response body bounded to ``MAX_BYTES``."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        key = (url, tuple(sorted((params or {}).items())))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            resp = self.session.get(url, params=params, timeout=self.timeout, stream=True)
        except requests.Timeout:
            raise ClientError(f"{self.source} n'a pas répondu à temps.") from None
        except requests.RequestException:
            raise ClientError(f"{self.source} est injoignable.") from None
        with resp:
            if resp.status_code == 429:
                raise ClientError(f"{self.source} limite le nombre de requêtes : réessayez plus tard.")
            if resp.status_code >= 400:
                raise ClientError(f"{self.source} a répondu par une erreur ({resp.status_code}).")
            try:
                body = resp.raw.read(MAX_BYTES + 1, decode_content=True)
            except Exception:  # a broken or stalled body is a failed call
                raise ClientError(f"{self.source} n'a pas renvoyé de réponse complète.") from None
        if len(body) > MAX_BYTES:
            raise ClientError(f"{self.source} a renvoyé une réponse trop volumineuse.")
        try:
            data = json.loads(body)
        except ValueError:
            raise ClientError(f"{self.source} a renvoyé une réponse illisible.") from None
        self.cache.set(key, data)
        return data

    def _records(self, dataset: str, where: str, select: str | None = None) -> list[dict]:
        params = {"where": where, "limit": 20}
        if select:
            params["select"] = select
        data = self.get_json(f"{dataset}/records", params)
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            raise ClientError(f"{self.source} a renvoyé une réponse de forme inattendue.")
        return [r for r in results if isinstance(r, dict)]

    def competent_ids(self, commune: str, type_code: str) -> list[str]:
        rows = self._records(
            COMPETENCE,
            f"code_insee_commune={_quote(commune)} AND code_type_service_local={_quote(type_code)}",
        )
        ids: list[str] = []
        for row in rows:
            ids += [str(i) for i in _items(row.get("id_service_local")) if i]
        return list(dict.fromkeys(ids))[:MAX_SERVICES]

    def services(self, commune: str, type_code: str) -> list[Coordonnees]:
        """The competent services of ``type_code`` for ``commune`` (INSEE code)."""
        ids = self.competent_ids(commune, type_code)
        if ids:
            where = " OR ".join(f"id={_quote(i)}" for i in ids)
        elif type_code == "mairie":  # the town hall is found by its own commune
            where = f'pivot LIKE "mairie" AND code_insee_commune={_quote(commune)}'
        else:
            return []
        records = self._records(SERVICES, where, FIELDS)
        found = [coordonnees(r) for r in records if not _types(r) or type_code in _types(r)]
        return [c for c in found if c is not None][:MAX_SERVICES]

    def pour_commune(self, commune: str, types: tuple[str, ...] = TYPES, deadline: float = 4.0) -> Result:
        """Every type at once, within ``deadline`` seconds. ``donnees``: type → list of
        :meth:`Coordonnees.to_dict` (an empty list when the Annuaire has none); a type whose
        call failed is absent and the result is ``partiel`` (``échec`` when all failed)."""
        pool = ThreadPoolExecutor(max_workers=max(1, len(types)), thread_name_prefix="annuaire")
        futures = {pool.submit(self.services, commune, t): t for t in types}
        done, _ = wait(futures, timeout=deadline)
        donnees: dict[str, list[dict]] = {}
        failed = 0
        for fut, type_code in futures.items():
            try:
                if fut not in done:
                    raise ClientError(f"{self.source} n'a pas répondu à temps.")
                donnees[type_code] = [c.to_dict() for c in fut.result()]
            except Exception:  # a failing type must not break the others
                failed += 1
        pool.shutdown(wait=False, cancel_futures=True)
        if failed == len(types):
            return Result(self.source, ECHEC, {}, "Les coordonnées officielles n'ont pas pu être consultées.")
        if failed:
            return Result(self.source, PARTIEL, donnees, "Une partie des coordonnées officielles manque.")
        return Result(self.source, SUCCES, donnees)


_cache = TTLCache(86_400)
DEFAULTS = {"ANNUAIRE_URL": DEFAULT_URL, "ENRICHMENT_TIMEOUT": 3.0, "ENRICHMENT_CACHE_TTL": 86_400}


def make_client(settings=None) -> AnnuaireClient:
    """A client configured from ``settings`` (``ANNUAIRE_URL``, ``ENRICHMENT_TIMEOUT``,
    ``ENRICHMENT_CACHE_TTL``), sharing one cache per process."""
    global _cache
    s = {**DEFAULTS, **{k: v for k, v in dict(settings or {}).items() if k in DEFAULTS and v}}
    ttl = float(s["ENRICHMENT_CACHE_TTL"])
    if _cache.ttl != ttl:
        _cache = TTLCache(ttl)
    return AnnuaireClient(s["ANNUAIRE_URL"], timeout=float(s["ENRICHMENT_TIMEOUT"]), retries=0, cache=_cache)
