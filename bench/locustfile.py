"""The whole journey of a user, for locust (bench/load_journey.py runs it headless).

Each simulated user comes from its own address (``X-Forwarded-For``, read through ProxyFix as a
reverse proxy would pass it), so the rate limits apply per user as in production. One journey:
create a site, open the location page and save the commune, open the questionnaire and answer a
page, view the path, change a step's state, view /stats, compute a path through the API; then
again on the same site, with 0.5 to 2 s of thinking between requests (the audit's protocol). ``FastHttpUser`` (geventhttpclient) keeps
the load generator's own CPU small on a 2-core machine.
"""

from __future__ import annotations

import itertools
import json
import re

from locust import FastHttpUser, SequentialTaskSet, between, task

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


class Journey(SequentialTaskSet):
    """One request per task, in the order a person goes; the user thinks between requests."""

    def on_start(self):
        self.token = None

    def _get(self, path, name):
        return self.client.get(path, name=name, headers={"X-Forwarded-For": self.user.address})

    def _post(self, path, name, data, content_type=FORM):
        return self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"X-Forwarded-For": self.user.address, "Content-Type": content_type},
        )

    @task
    def create_site(self):
        if self.token is None:
            response = self._post("/sites", "POST /sites", "")
            match = TOKEN.search((response.headers.get("Location") or "") + "/")
            self.token = match.group(1) if match else None
        if self.token is None:
            self.interrupt(reschedule=True)

    @task
    def location_page(self):
        self._get(f"/sites/{self.token}/localisation", "GET localisation")

    @task
    def save_location(self):
        self._post(f"/sites/{self.token}/localisation", "POST localisation", "commune=62528")

    @task
    def questionnaire_page(self):
        self._get(f"/sites/{self.token}/questionnaire/histoire", "GET questionnaire page")

    @task
    def answer_page(self):
        self._post(
            f"/sites/{self.token}/questionnaire/histoire",
            "POST questionnaire page",
            "site_type=friche+industrielle&bati_nombre=2",
        )

    @task
    def path_page(self):
        self._get(f"/sites/{self.token}/parcours", "GET parcours")

    @task
    def step_update(self):
        self._post(
            f"/sites/{self.token}/parcours/etapes/inventaire-site/statut",
            "POST step status",
            "statut=en_cours",
        )

    @task
    def stats(self):
        self._get("/stats", "GET /stats")

    @task
    def api(self):
        self._post("/api/v1/parcours", "POST /api/v1/parcours", API_BODY, "application/json")


class Visitor(FastHttpUser):
    wait_time = between(0.5, 2)
    tasks = [Journey]

    def on_start(self):
        n = next(_ADDRESSES)
        self.address = f"198.51.100.{n}" if n < 255 else f"203.0.113.{n % 254 + 1}"
