"""The pseudo-locale guard over the open data page and the Atom feeds: the datasets' titles,
descriptions and features, and the feeds' own words (their titles, the entries' titles and what the
site adds to a summary, such as a meeting moved), rendered with every message accented, show no plain
English beyond names, what people wrote, and the open data's field names and values, which stay English.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest

from civic.config import Settings
from civic.core import opendata
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.publish import FEWER
from tests.conftest import StaffFactory, make_settings
from tests.panels.test_pseudo_locale import check, load_demo, written
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


def open_data_words() -> tuple[str, ...]:
    """What stays English on the open data page: the field names and the names of the formats."""
    fields = {name for d in opendata.DATASETS for name, _ in d.fields}
    formats = {name for d in opendata.DATASETS for name, _ in d.formats}
    return (*fields, *formats, FEWER)


async def test_the_open_data_page_has_no_untranslated_english(web: WebClient, settings: Settings) -> None:
    await web.get(f"/?lang={PSEUDO}")
    page = await web.get("/data")
    assert page.status_code == 200
    assert len(opendata.DATASETS) >= 10
    check(page.text, (settings.council_name, settings.council_short_name, *open_data_words()), "/data")


def feed_words(xml: bytes) -> tuple[list[str], list[str]]:
    """The feed's and its entries' titles, and the entries' summaries."""
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own feed
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-XA"
    titles = [root.findtext(f"{ATOM}title") or ""]
    titles += [e.findtext(f"{ATOM}title") or "" for e in root.iter(f"{ATOM}entry")]
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in root.iter(f"{ATOM}entry")]
    return titles, summaries


async def test_the_atom_feeds_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    areas: None,
    app: Any,
    db: Database,
    web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
    settings: Settings,
) -> None:
    await load_demo(app, db, make_staff, clock)
    data = await written(db, settings)
    await web.get(f"/?lang={PSEUDO}")
    slug = "fernbridge-central-community-panel"
    entries = 0
    for path in ("/petitions.atom", "/responses.atom", f"/panels/{slug}/feed.atom"):
        response = await web.get(path)
        assert response.status_code == 200, path
        titles, summaries = feed_words(response.content)
        entries += len(summaries)
        assert all("⟦" in title for title in titles), (path, titles)
        assert english_words("\n".join(titles + summaries), data=data) == [], path
    assert entries > 0
