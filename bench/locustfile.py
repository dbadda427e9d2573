"""The whole journey of a user, for locust (bench/load_journey.py runs it headless).

Each simulated user comes from its own address (``X-Forwarded-For``, read through ProxyFix as a
reverse proxy would pass it), so the rate limits apply per user as in production. One journey:
create a site, open the location page and save the commune, open the questionnaire and answer a
page, view the path, change a step's state, view /stats, compute a path through the API; then
again, with 0.5 to 2 s of thinking between journeys. ``FastHttpUser`` (geventhttpclient) keeps
the load generator's own CPU small on a 2-core machine.
"""

from __future__ import annotations

import itertools
import json
import re

from locust import FastHttpUser, between, task

_ADDRESSES = itertools.count(1)
TOKEN = re.compile(r"/sites/([A-Za-z0-9_-]{32})/")
API_BODY = json.dumps(
    {
        "site": {
            "comm_insee": "62528",
            "site_type": "friche industrielle",
            "sol_pollution_existe": "pollution supposée",
        },
        "projet": {"usage": "habitat", "porteur": "commune", "avancement": "idee"},
    }
)
FORM = "application/x-www-form-urlencoded"


class Visitor(FastHttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        n = next(_ADDRESSES)
        self.address = f"198.51.100.{n}" if n < 255 else f"203.0.113.{n % 254 + 1}"
        self.token = None

    def _get(self, path, name):
        return self.client.get(path, name=name, headers={"X-Forwarded-For": self.address})

    def _post(self, path, name, data, content_type=FORM):
        return self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"X-Forwarded-For": self.address, "Content-Type": content_type},
        )

    @task
    def journey(self):
        if self.token is None:
            response = self._post("/sites", "POST /sites", "")
            match = TOKEN.search((response.headers.get("Location") or "") + "/")
            if match is None:
                return
            self.token = match.group(1)
        t = self.token
        self._get(f"/sites/{t}/localisation", "GET localisation")
        self._post(f"/sites/{t}/localisation", "POST localisation", "commune=62528")
        self._get(f"/sites/{t}/questionnaire/histoire", "GET questionnaire page")
        self._post(
            f"/sites/{t}/questionnaire/histoire",
            "POST questionnaire page",
            "site_type=friche+industrielle&bati_nombre=2",
        )
        self._get(f"/sites/{t}/parcours", "GET parcours")
        self._post(
            f"/sites/{t}/parcours/etapes/inventaire-site/statut", "POST step status", "statut=en_cours"
        )
        self._get("/stats", "GET /stats")
        self._post("/api/v1/parcours", "POST /api/v1/parcours", API_BODY, "application/json")
