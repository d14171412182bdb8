from __future__ import annotations

from tests.support.web import WebClient


async def test_home_page_lists_the_features_and_uses_the_council_name(web: WebClient) -> None:
    response = await web.get("/")
    assert response.status_code == 200
    assert "Fernbridge Borough Council" in response.text
    for label in ("Petitions", "Police priorities", "Youth budgets", "Panels", "Responses"):
        assert label in response.text
    assert 'href="#main-content"' in response.text  # skip link


async def test_no_crown_logotype_or_gds_transport_font(web: WebClient) -> None:
    page = (await web.get("/")).text
    assert "govuk-logo" not in page and "crown" not in page.lower()
    css = (await web.get("/static/css/civic.css")).text
    assert "GDS Transport" not in css and "@font-face" not in css


async def test_accessibility_statement(web: WebClient) -> None:
    response = await web.get("/accessibility")
    assert response.status_code == 200
    assert "WCAG" in response.text


async def test_unknown_page_is_a_404_in_the_site_layout(web: WebClient) -> None:
    response = await web.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-footer" in response.text


async def test_health_check(web: WebClient) -> None:
    response = await web.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_every_page_links_to_open_data_and_the_home_page_to_report_cards(web: WebClient) -> None:
    for path in ("/", "/accessibility", "/petitions/", "/no/such/page"):
        page = (await web.get(path)).text
        footer = page[page.index('<footer class="govuk-footer"') :]
        assert 'href="/data">Open data</a>' in footer, path
    home = (await web.get("/")).text
    main = home[home.index("<main") : home.index("</main>")]
    assert 'href="/responses/report-cards"' in main
    assert (await web.get("/responses/report-cards")).status_code == 200
    assert (await web.get("/data")).status_code == 200
