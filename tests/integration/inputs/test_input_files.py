"""Targets and profile files that are not UTF-8, too big, not files, or give a key twice:
one clear error naming the file, never a traceback or a read without end."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.targets import TargetsError, load_targets
from rules.profile import ProfileError
from rules.profile_files import MAX_PROFILE_BYTES, load_profile

PROFILE = "id: mine\nname: 我的\nextends: national-2019\n"


def test_a_targets_file_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_bytes("version: 1\n# 济源\nsites: []\n".encode("gbk"))
    with pytest.raises(TargetsError) as caught:
        load_targets(path)
    assert str(caught.value) == (
        f"{path}: line 2: not UTF-8 text (byte 0xbc) — save the file as UTF-8 (not GBK or GB18030)"
    )


def test_a_profile_in_gbk_is_named_in_the_targets_error(tmp_path: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_bytes((PROFILE + "# 济源\n").encode("gbk"))
    targets = tmp_path / "targets.yaml"
    targets.write_text(f"profile: {profile}\nsites: []\n", encoding="utf-8")
    with pytest.raises(TargetsError) as caught:
        load_targets(targets)
    message = str(caught.value)
    assert f"{profile}: line 2: not UTF-8 text" in message
    assert "save the file as UTF-8" in message


def test_a_profile_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_bytes((PROFILE + "# 济源\n").encode("gbk"))
    with pytest.raises(ProfileError, match=r"not UTF-8 text .* save the file as UTF-8"):
        load_profile(path)


def test_a_profile_with_a_key_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(PROFILE + "name: 又一个\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value) == (
        f"{path.resolve()}: line 4: key 'name' is given twice (first on line 2) — "
        "merge the two into one; only the last would be read"
    )


def test_a_profile_too_big(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(PROFILE + "#" * MAX_PROFILE_BYTES, encoding="utf-8")
    with pytest.raises(ProfileError, match="larger than 1 MiB — check the path"):
        load_profile(path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_targets_from_dev_zero_is_refused_at_once() -> None:
    with pytest.raises(TargetsError, match="/dev/zero: not a regular file"):
        load_targets(Path("/dev/zero"))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a fifo")
def test_targets_from_a_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "targets.yaml"
    os.mkfifo(fifo)
    with pytest.raises(TargetsError, match="not a regular file"):
        load_targets(fifo)


def test_the_cli_says_what_and_where(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_bytes("sites: []\n# 济源\n".encode("gbk"))
    result = CliRunner().invoke(main, ["--targets", str(path), "--db", str(tmp_path / "x.sqlite3")])
    assert result.exit_code == 2, result.output
    assert f"error: {path}: line 2: not UTF-8 text" in result.output
    assert "internal error" not in result.output
