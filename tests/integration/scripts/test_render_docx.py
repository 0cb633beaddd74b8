"""scripts/render-docx checks its arguments before it installs or converts anything (the
conversion itself, with LibreOffice, is for a person: docs/report.md)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[3]
SCRIPT = ROOT / "scripts" / "render-docx"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=30, check=False
    )


def test_without_a_file_it_prints_its_usage() -> None:
    result = _run()
    assert result.returncode == 2
    assert "scripts/render-docx REPORT.docx [OUTDIR]" in result.stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.docx"
    result = _run(str(missing))
    assert result.returncode == 2
    assert f"{missing}: no such file" in result.stderr
    assert "installing" not in result.stderr
