"""Sampling profiles of a benchmark's crawl with py-spy: the crawling process and its workers.

py-spy is installed by the benchmark into its own virtualenv (never a dependency of the
project). Its ``--subprocesses`` mode does not see the extraction workers on every kernel, so
this module attaches one ``py-spy record`` to the crawling process and one to each child it
starts (found in /proc while the crawl runs), then sums the samples by where each was taken:
which process (the crawl, the extraction workers) and which function was running (self time).

Usage, from a benchmark::

    with SpyRecording(py_spy, out_dir, skip={server_pid}) as recording:
        crawl()
    print(format_profile(recording.summary()))
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

SPY_SPEC = "py-spy>=0.4"
RATE_HZ = 100
_POLL_S = 1.0
# Leaves where a thread waits rather than works (py-spy cannot always tell them idle here):
# the event loop's select, a thread pool's or aiosqlite's queue, a worker waiting for a page.
WAITING = frozenset(
    {
        "EpollSelector.select (selectors.py)",
        "_PollLikeSelector.select (selectors.py)",
        "_worker (futures/thread.py)",
        "_connection_worker_thread (aiosqlite/core.py)",
        "Connection._recv (multiprocessing/connection.py)",
        "Condition.wait (threading.py)",
    }
)
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^():]+):(?P<line>\d+)\)$")


def ensure_py_spy(venv: Path) -> Path:
    """py-spy in the benchmark's virtualenv (installed once)."""
    binary = venv / "bin" / "py-spy"
    if not binary.exists():
        python = venv / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        print(f"installing py-spy into {venv} (once)", file=sys.stderr)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             SPY_SPEC],
            check=True,
        )  # fmt: skip
    return binary


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


@dataclass(slots=True)
class SpyRecording:
    """py-spy attached to this process and to every child it starts while inside the block."""

    py_spy: Path
    out_dir: Path
    skip: set[int] = field(default_factory=set)  # children not to record (the page server)
    _recorders: dict[int, tuple[subprocess.Popen[bytes] | None, Path]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _watcher: threading.Thread | None = None

    def __enter__(self) -> SpyRecording:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._attach(os.getpid(), "crawl")
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join()
        recorders = [recorder for recorder, _ in self._recorders.values() if recorder is not None]
        for recorder in recorders:
            if recorder.poll() is None:
                recorder.send_signal(signal.SIGINT)  # py-spy writes its file and exits
        for recorder in recorders:
            try:
                recorder.wait(30)
            except subprocess.TimeoutExpired:
                recorder.kill()

    def _attach(self, pid: int, role: str) -> None:
        output = self.out_dir / f"{role}-{pid}.txt"
        command = [str(self.py_spy), "record", "--pid", str(pid), "--format", "raw",
                   "--rate", str(RATE_HZ), "--nonblocking", "--output", str(output)]  # fmt: skip
        self._recorders[pid] = (
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            output,
        )

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.wait(_POLL_S):
            for pid in _children(me) - self.skip - set(self._recorders):
                if _is_worker(pid):
                    self._attach(pid, "worker")

    def read_files(self) -> None:
        """Take the files already in ``out_dir`` (``ROLE-PID.txt``) as this recording's."""
        for output in sorted(self.out_dir.glob("*-*.txt")):
            role, _, pid = output.stem.partition("-")
            if role in ("crawl", "worker") and pid.isdigit():
                self._recorders[int(pid)] = (None, output)

    def summary(self) -> Profile:
        samples: Counter[tuple[str, str]] = Counter()
        by_role: Counter[str] = Counter()
        for _, output in self._recorders.values():
            role = output.name.split("-", 1)[0]
            if not output.exists():
                continue
            for line in output.read_text(encoding="utf-8", errors="replace").splitlines():
                stack, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                leaf = _where(stack.split(";")[-1])
                samples[role, "(waiting)" if leaf in WAITING else leaf] += int(count)
                by_role[role] += int(count)
        return Profile(samples=samples, by_role=by_role, processes=len(self._recorders))


def _is_worker(pid: int) -> bool:
    """A Python child doing the crawl's work (not multiprocessing's resource tracker)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read()
    except OSError:
        return False
    return b"python" in command and b"resource_tracker" not in command


def _where(frame: str) -> str:
    """``function (module/file.py:line)`` → ``function (file.py)``: self time by function."""
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    parts = Path(match["file"]).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 else match["file"]
    return f"{match['function']} ({short})"


@dataclass(frozen=True, slots=True)
class Profile:
    samples: Counter[tuple[str, str]]  # (role, function) → samples with it on top
    by_role: Counter[str]  # role → samples
    processes: int

    def top(self, role: str | None, count: int) -> list[tuple[str, str, float]]:
        """The functions with most self time: (role, function, % of all samples)."""
        total = sum(self.by_role.values()) or 1
        chosen = [
            (key, value)
            for key, value in self.samples.items()
            if (role is None or key[0] == role) and key[1] != "(waiting)"
        ]
        chosen.sort(key=lambda pair: -pair[1])
        return [(key[0], key[1], round(100 * value / total, 1)) for key, value in chosen[:count]]

    def as_json(self, count: int = 15) -> dict[str, object]:
        total = sum(self.by_role.values()) or 1
        return {
            "processes": self.processes,
            "samples": total,
            "share_pct": {
                role: round(100 * value / total, 1) for role, value in self.by_role.items()
            },
            "waiting_pct": {
                role: round(100 * self.samples[role, "(waiting)"] / total, 1)
                for role in self.by_role
            },
            "top_self": [
                {"process": role, "function": function, "pct": pct}
                for role, function, pct in self.top(None, count)
            ],
        }


def format_profile(profile: Profile, count: int = 15) -> str:
    total = sum(profile.by_role.values()) or 1
    shares = ", ".join(
        f"{role} {100 * value / total:.1f} % (waiting "
        f"{100 * profile.samples[role, '(waiting)'] / total:.1f} %)"
        for role, value in profile.by_role.most_common()
    )
    lines = [
        f"py-spy: {total} samples from {profile.processes} processes: {shares}; "
        "the functions with most self time, % of all samples:"
    ]
    for role, function, pct in profile.top(None, count):
        lines.append(f"  {pct:5.1f} %  {role:<6}  {function}")
    return "\n".join(lines)
