"""Run the installed ``crawl`` console script as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CRAWL = Path(sys.executable).parent / "crawl"


def run_crawl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [str(CRAWL), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
