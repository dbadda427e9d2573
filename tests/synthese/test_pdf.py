"""The council summary PDF: what a council reads (text read back from the PDF), its length
(2 to 5 A4 pages), who may fetch it (the private link only, never stored, rate-limited), and
that its generation never fetches a URL."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from app.synthese.pdf import local_fetcher, summary_for
from tests.conftest import make_app
from tests.synthese.journey import loos_site, minimal_site


def pdf_of(client, site):
    response = client.get(f"/sites/{site.token}/synthese.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return response, reader, re.sub(r"\s+", " ", text)


def test_loos_journey_summary_says_what_to_do_whom_to_call_and_fits_five_pages(client, app):
    site = loos_site(done=4)
    summary, _ = summary_for(site)
    response, reader, text = pdf_of(client, site)
    assert 2 <= len(reader.pages) <= 5, len(reader.pages)
    print(f"\nSynthèse PDF du parcours de Loos-en-Gohelle : {len(reader.pages)} pages")
    # The site
    assert "Ancienne tôlerie" in text and "Loos-en-Gohelle (62528)" in text
    assert "20 087 m² (2,0 ha)" in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Pollution supposée" in text and "Logements" in text
    assert f"4 étapes sur {summary.total} faites" in text.replace("\u00a0", " ")
    # The next three actions, in order, each with whom to contact
    positions = [text.find(a.title) for a in summary.actions]
    assert len(positions) == 3 and -1 not in positions and positions == sorted(positions)
    assert text.count("À contacter :") == 3
    # Contacts once: the DDTM of the Pas-de-Calais is listed once in « Vos interlocuteurs »
    contacts = text.split("Vos interlocuteurs", 1)[1].split("Financements", 1)[0]
    assert contacts.count("DDTM — Pas-de-Calais (62) :") == 1
    assert "EPF des Hauts-de-France" in contacts
    # Funding with status, open questions, the link back to the site
    assert "Financements" in text and "Disponibilité à confirmer auprès du financeur" in text
    assert "Questions encore ouvertes" in text
    assert f"/sites/{site.token}" in text
    # Nothing for editors, no raw id
    assert "redaction" not in text and "sol_pollution_existe" not in text
    assert "Aucun interlocuteur" not in text
    # An accessible document: tagged (PDF/UA), in French, titled
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "fr"
    assert reader.metadata.title == "Synthèse — Ancienne tôlerie — Parcours Friches"


def test_minimal_site_summary_is_short_and_says_what_is_missing(client, app):
    site = minimal_site()
    _, reader, text = pdf_of(client, site)
    assert 2 <= len(reader.pages) <= 5, len(reader.pages)
    assert "Le site n'est pas encore décrit" in text
    assert "0 étape sur" in text.replace("\u00a0", " ") and "faite" in text
    assert "autres questions" in text  # the long list is cut with a count, never silently


def test_pdf_is_private_never_stored_and_named_after_the_site(client, app):
    site = loos_site()
    response, _, _ = pdf_of(client, site)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="synthese-ancienne-tolerie.pdf"'
    assert client.get("/sites/inconnu/synthese.pdf").status_code == 404
    assert client.get("/sites/" + "a" * 32 + "/synthese.pdf").status_code == 404


def test_pdf_generation_is_rate_limited(database_url, _schema):
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_PDF="2/minute")
    with app.app_context():
        site = minimal_site()
        client = app.test_client()
        codes = [client.get(f"/sites/{site.token}/synthese.pdf").status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_fonts_come_from_the_static_folder_and_no_url_is_fetched(client, app, monkeypatch, httpserver):
    """The document's only resources are the Marianne fonts of the DSFR package; any other URL —
    here a local HTTP server standing for the internet — is refused without a request."""
    import app.synthese.pdf as pdf

    made = []

    def recording(root):
        fetcher = local_fetcher(root)
        made.append(fetcher)
        return fetcher

    monkeypatch.setattr(pdf, "local_fetcher", recording)
    site = loos_site()
    pdf_of(client, site)
    (fetcher,) = made
    assert fetcher.served and all(
        u.startswith("pf-static:/vendor/dsfr/fonts/Marianne") for u in fetcher.served
    )
    assert fetcher.refused == []

    import weasyprint

    outside = local_fetcher(app.static_folder)
    html = (
        f'<link rel="stylesheet" href="{httpserver.url_for("/x.css")}">'
        f'<img src="{httpserver.url_for("/x.png")}"><img src="file:///etc/hostname">'
        '<img src="pf-static:/../../pyproject.toml"><p>x</p>'
    )
    weasyprint.HTML(string=html, base_url="pf-static:/", url_fetcher=outside).write_pdf()
    assert len(httpserver.log) == 0
    assert len(outside.refused) == 4 and outside.served == []


def test_summary_lists_each_contact_once_and_funding_soonest_first(app):
    summary, _ = summary_for(loos_site(done=2))
    ids = [c.id for g in summary.contacts for c in g.contacts]
    assert len(ids) == len(set(ids))
    dated = [f.deadline for f in summary.funding if f.deadline]
    assert dated == sorted(dated)
    undated_after = [f.deadline for f in summary.funding]
    assert undated_after == sorted(undated_after, key=lambda d: (d is None, d))
    assert summary.done == 2 and summary.actions[0].title == summary.next_title
    counts = [len(q.steps) for q in summary.questions]
    assert counts == sorted(counts, reverse=True)  # the answers that settle the most steps first


@pytest.mark.parametrize("done", [0, 1])
def test_next_actions_are_steps_not_done_in_path_order(app, done):
    site = loos_site(done=done)
    summary, _ = summary_for(site)
    from app.parcours.service import compute_for_site

    result, _ = compute_for_site(site)
    order = [s.id for s in result.steps]
    done_ids = set(order[:done])
    ids = [a.step_id for a in summary.actions]
    assert len(ids) == 3 and not done_ids & set(ids)
    assert ids == sorted(ids, key=order.index)
    first_applicable = next(s.id for s in result.steps if s.id not in done_ids and s.status == "applicable")
    assert ids[0] == first_applicable


def test_summary_of_a_site_attached_to_an_account_says_the_link_is_not_a_key(app):
    from app.accounts.models import Account, SiteMember
    from app.extensions import db
    from app.synthese.pdf import render_html

    site = loos_site()
    with app.test_request_context("/"):
        assert "ouvre le dossier sans mot de passe" in render_html(site)
        account = Account(email="maire@example.org")
        db.session.add(account)
        db.session.flush()
        db.session.add(SiteMember(site_id=site.id, account_id=account.id, role="proprietaire"))
        db.session.commit()
        html = render_html(site)
    assert "sans mot de passe" not in html
    assert "ne l'ouvre qu'aux personnes invitées, après connexion" in html
