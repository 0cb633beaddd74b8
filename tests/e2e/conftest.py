from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An isolated XUNJIAN_HOME so the tests never touch the user's database."""
    return {"XUNJIAN_HOME": str(tmp_path / "home")}
