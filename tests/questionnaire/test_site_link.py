"""Anonymous use: the personal link is given to the user as soon as the site exists."""

import re


def test_new_site_shows_its_personal_link_on_the_first_page(client):
    response = client.post("/sites", follow_redirects=True)
    html = response.get_data(as_text=True)
    token = re.search(r"/sites/([A-Za-z0-9_-]{22,})/", response.request.path).group(1)
    assert f"http://localhost/sites/{token}" in html
    assert "seule façon de le retrouver" in html
    # shown once: the next page does not repeat it
    assert "seule façon de le retrouver" not in client.get(response.request.path).get_data(as_text=True)
