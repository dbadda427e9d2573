"""The questionnaire in real Chromium: one page answered with the keyboard only, axe-core checks."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_axe, save_screenshot

pytestmark = pytest.mark.browser


def tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``predicate_js`` (an expression on ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"
        ):
            return
    raise AssertionError(f"focus never reached: {predicate_js}")


def test_questionnaire_with_keyboard_and_axe(page):
    base = page.base_url
    page.goto(base + "/")
    page.get_by_role("button", name="Commencer le parcours de mon site").click()
    page.wait_for_load_state()
    token = re.search(r"/sites/([^/]+)", page.url).group(1)

    # A questionnaire page with help texts: accessible, self-contained.
    page.goto(f"{base}/sites/{token}/questionnaire/pollution")
    assert "Page 3 sur 10" in page.locator(".fr-stepper").inner_text()
    violations = run_axe(page)
    save_screenshot(page, "questionnaire-pollution")
    assert violations == [], violations
    # The help opens without any script (native <details>).
    page.get_by_text("Pourquoi cette question ?").first.click()
    assert page.get_by_text("remettre le site en état").is_visible()

    # Errors: summary focused, with links to the fields; accessible too.
    page.goto(f"{base}/sites/{token}/questionnaire/occupation")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_load_state()
    assert page.title().startswith("Erreur : ")
    assert page.evaluate("document.activeElement.id") == "resume-erreurs"
    assert run_axe(page) == []

    # Keyboard only: answer the three questions of the page, then submit with Enter.
    page.goto(f"{base}/sites/{token}/questionnaire/occupation")
    tab_to(page, "el.name === 'site_occupation'")
    page.keyboard.press("Space")  # first option
    page.keyboard.press("ArrowDown")  # second option: « Partiellement inoccupé »
    tab_to(page, "el.name === 'site_clos'")
    page.keyboard.press("Space")  # « Oui »
    tab_to(page, "el.name === 'risque_immediat'")
    page.keyboard.press("ArrowRight")  # « Oui » → « Non »
    if page.evaluate("document.activeElement.value") != "non":
        page.keyboard.press("ArrowRight")
    tab_to(page, "el.tagName === 'BUTTON' && el.value === 'suivant'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/questionnaire/proprietaire$"))
    assert "Page 6 sur 10" in page.locator(".fr-stepper").inner_text()

    # Back to the page with the browser's back button: the answers are there.
    page.go_back()
    page.wait_for_load_state()
    assert page.locator("#site_occupation-1").is_checked()
    assert page.locator("input[name=site_clos][value=oui]").is_checked()
    assert page.locator("input[name=risque_immediat][value=non]").is_checked()

    page.goto(f"{base}/sites/{token}/synthese")
    summary = page.locator("main").inner_text()
    assert "Partiellement inoccupé" in summary
    assert run_axe(page) == []
    outside = [url for url in page.requests_seen if not url.startswith(base)]
    assert outside == []
