"""The README's data map is exactly what `civic privacy data-map` prints from the register."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civic.cli import main
from civic.config import Settings
from civic.core.notices import data_map

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_data_map_is_the_generated_one() -> None:
    found = re.search(r"<!-- data-map:[^>]*-->\n(.*?)<!-- /data-map -->", README.read_text(), re.S)
    assert found, "README.md has no data-map section"
    assert found.group(1) == data_map(Settings()), (
        "README's data map differs from the register: run `civic privacy data-map` and paste its output "
        "between the data-map markers"
    )


def test_the_command_prints_the_map(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(README.parent.parent)  # no .env of the checkout is read
    assert main(["privacy", "data-map"]) == 0
    assert capsys.readouterr().out == data_map(Settings())
