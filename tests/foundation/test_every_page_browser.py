"""Every public page in real Chromium (issue 12, item 10): axe-core finds no serious or critical
violation, nothing scrolls sideways on a 320 px wide phone, and no request leaves the server.

The site pages are those of the audit's journey: a saved site in Loos-en-Gohelle (suspected
pollution, housing), its dashboard, a questionnaire page, the summary, the location page, the
path page and one of its step pages.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Answer, Site
from tests.conftest import run_axe

pytestmark = pytest.mark.browser

PUBLIC = [
    "/",
    "/stats",
    "/plan-du-site",
    "/mentions-legales",
    "/accessibilite",
    "/donnees-personnelles",
    "/gestion-des-cookies",
    "/api",
    "/budget",
    "/ecoconception",
    "/quoi-de-neuf",
    "/glossaire",
    "/ressources",
    "/projets-inspirants",
    "/sites",
    "/portefeuilles",
    "/connexion",
]
SITE_PAGES = [
    "",  # the site's dashboard
    "/questionnaire/{group}",
    "/synthese",
    "/localisation",
    "/parcours",
    "{step}",
]
ANSWERS = {
    "site_type": "friche industrielle",
    "sol_pollution_existe": "pollution supposée",
    "unite_fonciere_surface": 20000,
    "local_ancien_annee": 1960,
    "proprietaire": "prive",
    "usage": "habitat",
    "porteur": "commune",
    "avancement": "idee",
}


@pytest.fixture
def journey_site(app, content):
    site = Site(
        nom="Ancienne tôlerie",
        commune_code="62528",
        epci_code="246200364",
        departement_code="62",
        region_code="32",
    )
    db.session.add(site)
    for qid, value in ANSWERS.items():
        db.session.add(Answer(site=site, question_id=qid, value=value))
    db.session.commit()
    return site.token, content.questionnaire.groups[0].id


def _resolve(page, path: str, token: str, group: str) -> str:
    if path == "{step}":
        page.goto(f"{page.base_url}/sites/{token}/parcours")
        href = page.locator("a[href*='/parcours/etapes/']").first.get_attribute("href")
        assert href, "la page du parcours n'a aucun lien vers une page d'étape"
        return href.split("#")[0]
    return f"/sites/{token}" + path.format(group=group)


def _check(page, path: str) -> list[str]:
    """Problems of the page at ``path``, in French, for one assertion message."""
    problems = []
    response = page.goto(page.base_url + path, wait_until="networkidle")
    assert response is not None
    if response.status != 200:
        return [f"{path} : statut {response.status}"]
    violations = run_axe(page)
    for v in violations:
        problems.append(f"{path} : axe {v['impact']} {v['id']} ({v['help']}) sur {v['nodes']}")
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(150)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 320.5 && e.offsetParent !== null)
                .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 320.5))
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
        )
        problems.append(f"{path} : défilement horizontal à 320 px ({width} px de large ; {wide})")
    page.set_viewport_size({"width": 1280, "height": 900})
    return problems


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_is_accessible_narrow_and_self_contained(page, path):
    problems = _check(page, path)
    outside = sorted({url for url in page.requests_seen if not url.startswith(page.base_url)})
    assert problems == [], "\n".join(problems)
    assert outside == []


@pytest.mark.parametrize("path", SITE_PAGES)
def test_journey_page_is_accessible_narrow_and_self_contained(page, journey_site, path):
    token, group = journey_site
    target = _resolve(page, path, token, group)
    assert re.match(r"^/sites/", target)
    problems = _check(page, target)
    outside = sorted({url for url in page.requests_seen if not url.startswith(page.base_url)})
    assert problems == [], "\n".join(problems)
    assert outside == []
