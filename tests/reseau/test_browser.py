"""Projets inspirants in Chromium: accessible (axe-core) list, project page with its contact
form (also once in error) and publication form."""

from __future__ import annotations

import pytest

from app.accounts.models import Account, SiteMember
from app.extensions import db
from app.models import Answer, Site
from app.reseau import service
from app.reseau.models import ProjetInspirant
from tests.conftest import run_axe, save_screenshot

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
    # Once the site has an owner account, its page has the contact form.
    owner = Account(email="maire@commune-exemple.fr")
    db.session.add(owner)
    db.session.flush()
    db.session.add(SiteMember(site_id=site.id, account_id=owner.id, role="proprietaire"))
    db.session.commit()
    page.goto(page.base_url + f"/projets-inspirants/{projet.public_id}")
    assert run_axe(page) == []
    # The contact form, sent with a wrong address: errors announced, everything typed kept.
    page.fill("#contact-nom", "Camille Martin")
    page.fill("#contact-email", "camille.martin")
    page.fill("#contact-message", "Comment avez-vous financé les études ?")
    page.click("button:has-text('Envoyer le message')")
    assert page.locator("#resume-erreurs").is_visible()
    assert page.input_value("#contact-message") == "Comment avez-vous financé les études ?"
    assert page.get_attribute("#contact-email", "aria-invalid") == "true"
    assert "maire@commune-exemple.fr" not in page.content()
    assert run_axe(page) == []
    save_screenshot(page, "projet-inspirant-contact-erreurs")
    assert [u for u in page.requests_seen if not u.startswith(page.base_url)] == []
