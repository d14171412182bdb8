"""A newcomer loads the demo council and signs in with the printed credentials."""

from __future__ import annotations

import re
from typing import Any

import pytest

from civic.config import Settings
from civic.demo import load_demo
from tests.support.web import WebClient


async def test_a_newcomer_loads_the_demo_and_signs_in_as_each_role(
    settings: Settings, web: WebClient, capsys: pytest.CaptureFixture[str], app: Any
) -> None:
    await load_demo(settings, if_empty=True)
    printed = capsys.readouterr().out
    credentials = re.findall(
        r"^\s+[A-Z][a-z ]+?\s+(\S+@fernbridge\.example)\s+(\S+)$", printed, flags=re.MULTILINE
    )
    assert len(credentials) == 7  # one account per role, and an officer for each policing team
    for email, password in credentials:
        await web.login(email, password)
        page = await web.get("/staff")
        assert "You are signed in as" in page.text
        await web.logout()
    home = await web.get("/")
    assert home.status_code == 200
