"""Projets inspirants in Chromium: accessible (axe-core) list, project page and publication form."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Answer, Site
from app.reseau import service
from app.reseau.models import ProjetInspirant
from tests.conftest import run_axe

pytestmark = pytest.mark.browser


def test_network_pages_pass_axe(app, page):
    site = Site(
        nom="Filature", commune_code="62528", departement_code="62", region_code="32", surface_m2=9000
    )
    db.session.add(site)
    db.session.add(Answer(site=site, question_id="usage", value="habitat"))
    db.session.flush()
    projet = ProjetInspirant(
        site_id=site.id, titre="Une filature devenue logements", recit="Un récit.", usage="habitat"
    )
    service.approve(projet)
    db.session.add(projet)
    db.session.commit()
    for url in (
        "/projets-inspirants",
        f"/projets-inspirants/{projet.public_id}",
        f"/sites/{site.token}/projet-inspirant",
    ):
        page.goto(page.base_url + url)
        assert page.locator("h1").count() == 1
        violations = run_axe(page)
        assert violations == [], (url, violations)
    assert [u for u in page.requests_seen if not u.startswith(page.base_url)] == []
