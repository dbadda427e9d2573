"""Projets inspirants end to end without JavaScript: the owner publishes chosen facts (opt-in,
moderated, revocable), readers see and report them, the team moderates with the CLI, and a site
page lists « Projets comparables » with why."""

from __future__ import annotations

from app.extensions import db
from app.models import Answer, Site, StepProgress
from app.reseau.cli import moderation
from app.reseau.models import ProjetInspirant
from tests.conftest import empty_database

FORM = {
    "titre": "Une ancienne filature devenue logements",
    "recit": "La filature était fermée depuis 1990.\nElle accueille aujourd'hui 20 logements.",
    "financements": "Fonds vert, portage par l'établissement public foncier.",
    "enseignements": "Rencontrer tôt le propriétaire.",
    "montrer_usage": "oui",
    "montrer_phase": "oui",
    "montrer_surface": "oui",
    "accord": "oui",
}


def make_site(nom="Filature du Moulin", usage="habitat", surface=12000, commune="62528", dep="62", reg="32"):
    site = Site(nom=nom, commune_code=commune, departement_code=dep, region_code=reg, surface_m2=surface)
    db.session.add(site)
    db.session.add(Answer(site=site, question_id="usage", value=usage))
    db.session.commit()
    return site


def published(client, runner, site, **form) -> ProjetInspirant:
    response = client.post(f"/sites/{site.token}/projet-inspirant", data={**FORM, **form})
    assert response.status_code == 303
    projet = ProjetInspirant.query.filter_by(site_id=site.id).one()
    assert runner.invoke(moderation, ["approve", str(projet.id)]).exit_code == 0
    return projet


def test_publishing_is_opt_in_moderated_and_shows_only_what_was_chosen(client, runner, app):
    site = make_site()
    db.session.add(StepProgress(site=site, step_id="portage-epf", status="fait"))
    db.session.commit()
    form = client.get(f"/sites/{site.token}/projet-inspirant")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert "Maîtriser le foncier" in form.get_data(as_text=True)  # the phase reached, previewed

    # Without the consent nothing is stored and nothing typed is lost.
    refused = client.post(f"/sites/{site.token}/projet-inspirant", data={**FORM, "accord": ""})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Cochez la case pour accepter" in html and FORM["titre"] in html
    assert ProjetInspirant.query.count() == 0

    client.post(f"/sites/{site.token}/projet-inspirant", data=FORM)  # commune not chosen
    projet = ProjetInspirant.query.one()
    assert projet.statut == "en_attente" and projet.commune_code is None
    assert (projet.usage, projet.phase, projet.surface_m2) == ("habitat", "foncier", 12000)
    assert client.get("/projets-inspirants").get_data(as_text=True).count(FORM["titre"]) == 0
    assert client.get(f"/projets-inspirants/{projet.public_id}").status_code == 404

    listed = runner.invoke(moderation, ["list"])
    assert f"[{projet.id}] En attente de relecture — {FORM['titre']}" in listed.output
    assert runner.invoke(moderation, ["approve", str(projet.id)]).exit_code == 0

    page = client.get(f"/projets-inspirants/{projet.public_id}").get_data(as_text=True)
    assert FORM["titre"] in page and "Logements" in page and "1,2 ha" in page and "Pas-de-Calais" in page
    assert "Filature du Moulin" not in page and site.token not in page  # name and private link never shown
    assert "<p>Elle accueille aujourd&#39;hui 20 logements.</p>" in page
    assert FORM["titre"] in client.get("/projets-inspirants?usage=habitat").get_data(as_text=True)
    assert FORM["titre"] not in client.get("/projets-inspirants?usage=industrie").get_data(as_text=True)
    assert "n&#39;existe pas" in client.get("/projets-inspirants?usage=piscine").get_data(as_text=True)

    # Revocable at any time.
    client.post(f"/sites/{site.token}/projet-inspirant", data={"action": "retirer"})
    assert db.session.get(ProjetInspirant, projet.id).statut == "retire"
    assert client.get(f"/projets-inspirants/{projet.public_id}").status_code == 404
    assert runner.invoke(moderation, ["approve", str(projet.id)]).exit_code != 0


def test_readers_report_and_the_team_rejects(client, runner, app):
    projet = published(client, runner, make_site())
    url = f"/projets-inspirants/{projet.public_id}"
    assert client.post(url + "/signaler").status_code == 303
    client.post(url + "/signaler")  # once per browser session
    assert db.session.get(ProjetInspirant, projet.id).signalements == 1
    assert "Vous avez signalé ce projet" in client.get(url).get_data(as_text=True)
    assert "signalé 1 fois" in runner.invoke(moderation, ["list"]).output
    result = runner.invoke(
        moderation, ["reject", str(projet.id), "--motif", "Données personnelles dans le récit."]
    )
    assert result.exit_code == 0
    assert client.get(url).status_code == 404
    owner = client.get(f"/sites/{db.session.get(ProjetInspirant, projet.id).site.token}/projet-inspirant")
    assert "Données personnelles dans le récit." in owner.get_data(as_text=True)


def test_comparable_projects_same_use_similar_size_nearest_first(client, runner, app):
    far = published(
        client, runner, make_site("A", surface=10000, commune="13055", dep="13", reg="93"), titre="Loin"
    )
    near = published(
        client, runner, make_site("B", surface=15000, commune="62041", dep="62", reg="32"), titre="Proche"
    )
    published(client, runner, make_site("C", surface=900000), titre="Trop grand")
    published(client, runner, make_site("D", usage="renaturation"), titre="Autre usage")
    mine = make_site("Le mien", surface=12000)
    html = client.get(f"/sites/{mine.token}").get_data(as_text=True)
    section = html.split('id="comparables-titre"')[1].split("</section>")[0]
    assert section.index("Proche") < section.index("Loin")
    assert "Trop grand" not in section and "Autre usage" not in section
    assert (
        "même usage : logements" in section and "même département" in section and "surface proche" in section
    )
    assert (
        f"/projets-inspirants/{near.public_id}" in section
        and f"/projets-inspirants/{far.public_id}" in section
    )
    assert f'href="/sites/{mine.token}/projet-inspirant"' in section


def test_publishing_is_rate_limited(database_url, _schema):
    from tests.conftest import make_app

    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_SITES="2/minute")
    client = app.test_client()
    with app.app_context():
        site = make_site()
        token = site.token
    codes = [
        client.post(f"/sites/{token}/projet-inspirant", data={"accord": ""}).status_code for _ in range(3)
    ]
    assert codes == [400, 400, 429]
    with app.app_context():
        empty_database()


def test_project_views_feed_the_stats_evaluation(client, runner, app):
    projet = published(client, runner, make_site())
    for _ in range(6):
        client.get(f"/projets-inspirants/{projet.public_id}")
    html = client.get("/stats").get_data(as_text=True)
    table = html.split('id="evaluation-projets"')[1].split("</table>")[0]
    assert FORM["titre"] in table and "<td>6</td>" in table


def test_readers_say_whether_a_project_was_useful_and_stats_show_it(client, runner, app):
    """« Ce projet vous a-t-il été utile ? »: one vote per browser (a second replaces the
    first), no personal data, shown in the evaluation on /stats once there are 5."""
    from app.models import Event

    projet = published(client, runner, make_site())
    page = f"/projets-inspirants/{projet.public_id}"
    assert "Ce projet vous a-t-il été utile ?" in client.get(page).get_data(as_text=True)
    response = client.post(page + "/avis", data={"utile": "non"})
    assert response.status_code == 303 and response.headers["Location"].endswith(page + "?avis=non#avis")
    assert "Merci, votre avis est enregistré." in client.get(page + "?avis=non").get_data(as_text=True)
    client.post(page + "/avis", data={"utile": "oui"})  # changes the vote, adds none
    votes = Event.query.filter_by(type="avis").all()
    assert len(votes) == 1 and votes[0].data == {"type": "projet", "id": projet.public_id, "utile": True}
    assert votes[0].site_id is None  # a reader's vote is not activity of the published site
    for _ in range(4):  # four other browsers
        app.test_client().post(page + "/avis", data={"utile": "oui"})
    assert client.post(page + "/avis", data={"utile": "peut-être"}).status_code == 303  # ignored
    html = client.get("/stats").get_data(as_text=True)
    row = html.split('id="evaluation-projets"')[1].split(FORM["titre"])[1].split("</tr>")[0]
    assert row.endswith("<td>5</td><td>0</td>")
    # a project that is not (or no longer) published takes no vote
    runner.invoke(moderation, ["reject", str(projet.id), "--motif", "Données personnelles."])
    assert client.post(page + "/avis", data={"utile": "oui"}).status_code == 404


def test_path_page_lists_comparables_and_follows_publications(client, runner, app):
    """The path page is cached per site version: a publication elsewhere still shows at once."""
    mine = make_site("Le mien", surface=12000)
    path = f"/sites/{mine.token}/parcours"

    def section() -> str:
        html = client.get(path).get_data(as_text=True)
        return html.split('id="comparables-titre"')[1].split("</section>")[0]

    assert "Aucun projet publié n'a encore le même usage" in section()
    assert "Aucun projet publié" in section()  # cached, unchanged
    cache = app.extensions["parcours_page_cache"]
    assert cache.hits == 1

    owner = app.test_client()  # another browser: no flash message in the reader's session
    other = published(
        owner,
        runner,
        make_site("Voisin", surface=15000, commune="62041"),
        titre="Une filature devenue logements",
    )
    shown = section()
    assert "Une filature devenue logements" in shown and f"/projets-inspirants/{other.public_id}" in shown
    assert "même usage : logements" in shown and "même département" in shown and "surface proche" in shown

    # The owner withdraws it: gone from the path page at the next view.
    owner.post(f"/sites/{other.site.token}/projet-inspirant", data={"action": "retirer"})
    assert "Une filature devenue logements" not in section()
    assert cache.misses == 3


def test_a_site_with_several_uses_can_publish_and_find_comparables(client, runner, app):
    """« usage » is a multiple-choice question: its answer is a list. The publication page used
    to fail on it (500); now the first use chosen is published and any shared use is comparable."""
    site = make_site("Filature aux deux usages", usage=["habitat", "renaturation"])
    form = client.get(f"/sites/{site.token}/projet-inspirant")
    assert form.status_code == 200
    assert "Logements (le premier des 2 usages indiqués)" in form.get_data(as_text=True)
    projet = published(client, runner, site)
    assert projet.usage == "habitat"
    # once published, the owner is warned that an update hides the page until it is reviewed again
    again = client.get(f"/sites/{site.token}/projet-inspirant").get_data(as_text=True)
    assert "en attendant, la page du projet n'est plus visible" in again

    parc = make_site("Le parc", usage=["aménagement d'espace public", "renaturation"], commune="62041")
    other = published(app.test_client(), runner, make_site("Voisin", usage=["renaturation"], commune="62041"))
    shown = client.get(f"/sites/{parc.token}/parcours").get_data(as_text=True)
    section = shown.split('id="comparables-titre"')[1].split("</section>")[0]
    assert (
        f"/projets-inspirants/{other.public_id}" in section and "même usage : renaturation" in section.lower()
    )
    assert f"/projets-inspirants/{projet.public_id}" not in section  # habitat only: not the same use

    unknown = make_site("Sans usage", usage=[])
    section = (
        client.get(f"/sites/{unknown.token}/parcours")
        .get_data(as_text=True)
        .split('id="comparables-titre"')[1]
    )
    assert "Indiquez dans le questionnaire l'usage que vous envisagez" in section.split("</section>")[0]
