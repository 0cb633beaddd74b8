"""docker-compose.yml and the Dockerfile, checked without a Docker engine: the services are
there and wired as documented, every command is a real `crawl` command with options it
accepts, and every XUNJIAN_* variable is one the CLI reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from crawler.cli import main
from crawler.cli.schedule import schedule
from crawler.cli.worker import worker as worker_command

ROOT = Path(__file__).parents[3]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]


def subcommands(group: click.Group) -> dict[str, click.Command]:
    """A group's subcommands by name (`crawl`'s are loaded when asked for)."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def resolve(argv: list[str]) -> tuple[click.Command, list[str]]:
    """The `crawl` command an argv names, and the arguments left for it."""
    assert argv[0] == "crawl", f"{argv} does not run crawl"
    command: click.Command = main
    rest = argv[1:]
    while rest and isinstance(command, click.Group) and not rest[0].startswith("-"):
        known = subcommands(command)
        if rest[0] not in known:
            break
        command, rest = known[rest[0]], rest[1:]
    return command, rest


def all_commands() -> list[click.Command]:
    found: list[click.Command] = []
    pending: list[click.Command] = [main]
    while pending:
        command = pending.pop()
        found.append(command)
        if isinstance(command, click.Group):
            pending.extend(subcommands(command).values())
    return found


def env_names_read() -> set[str]:
    """XUNJIAN_* variables the CLI reads: click options' envvars, and the few read directly."""
    names: set[str] = set()
    for command in all_commands():
        for param in command.params:
            envvars = param.envvar if isinstance(param.envvar, list | tuple) else [param.envvar]
            names.update(e for e in envvars if isinstance(e, str))
    for source in (ROOT / "crawler").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        names.update(re.findall(r"environ\.get\(\s*\"(XUNJIAN_[A-Z0-9_]+)\"", text))
    return names


def test_the_services_are_there() -> None:
    assert set(SERVICES) == {"postgres", "migrate", "scheduler", "worker", "web", "rsshub"}
    postgres = SERVICES["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert "pgdata" in COMPOSE["volumes"]


def test_migrate_runs_once_before_the_scheduler() -> None:
    migrate, scheduler = SERVICES["migrate"], SERVICES["scheduler"]
    assert migrate["command"] == ["crawl", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert scheduler["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert scheduler["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_scheduler_gets_its_stop_timeout_before_docker_kills_it() -> None:
    scheduler = SERVICES["scheduler"]
    command, rest = resolve(scheduler["command"])
    assert command is schedule
    ctx = command.make_context("crawl schedule", list(rest))
    grace = re.fullmatch(r"(\d+)s", scheduler["stop_grace_period"])
    assert grace is not None
    assert int(grace.group(1)) > ctx.params["stop_timeout"]
    assert scheduler["init"] is True  # signals forwarded, extraction workers reaped


def test_optional_services_sit_behind_profiles() -> None:
    worker, rsshub = SERVICES["worker"], SERVICES["rsshub"]
    assert worker["profiles"] == ["scale-out"]
    assert resolve(worker["command"])[0] is worker_command
    assert "labels" not in worker  # a real service, not a reserved place
    assert rsshub["profiles"] == ["rsshub"]
    assert rsshub["image"].startswith("diygod/rsshub")
    always = [name for name, service in SERVICES.items() if "profiles" not in service]
    assert sorted(always) == ["migrate", "postgres", "scheduler"]


@pytest.mark.parametrize("name", [n for n, s in SERVICES.items() if "command" in s])
def test_every_command_is_a_real_crawl_command(name: str) -> None:
    service = SERVICES[name]
    command, rest = resolve(service["command"])
    if command is main or isinstance(command, click.Group):
        # Only a service marked as a later feature may name a command that does not exist yet.
        assert "xunjian.planned" in service.get("labels", {}), (
            f"service {name}: {service['command']} is not a crawl command"
        )
        return
    command.make_context(" ".join(service["command"][:2]), list(rest))  # its options parse


def test_every_xunjian_variable_is_one_the_cli_reads() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\bXUNJIAN_[A-Z0-9_]+", text))
    assert {"XUNJIAN_DATABASE_URL", "XUNJIAN_TARGETS", "XUNJIAN_USER_AGENT"} <= used
    assert "XUNJIAN_NIGHTLY_CRON" in used
    unknown = sorted(used - env_names_read())
    assert not unknown, f"docker-compose.yml sets {unknown}, which no crawl command reads"


def container_path(volume: str) -> str:
    """The path inside the container of a short-syntax volume (host:container[:mode])."""
    parts = volume.rsplit(":", 2)
    return parts[1] if parts[-1] in ("ro", "rw") else volume.rsplit(":", 1)[1]


def test_the_workers_get_their_stop_timeout_and_the_scheduler_can_defer_to_them() -> None:
    worker = SERVICES["worker"]
    command, rest = resolve(worker["command"])
    ctx = command.make_context("crawl worker", list(rest))
    grace = re.fullmatch(r"(\d+)s", worker["stop_grace_period"])
    assert grace is not None
    assert int(grace.group(1)) > ctx.params["stop_timeout"]
    assert worker["init"] is True
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # The scheduler defers the night to the workers when XUNJIAN_DISTRIBUTED is set to 1.
    assert "XUNJIAN_DISTRIBUTED" in SERVICES["scheduler"]["environment"]
    assert worker["environment"]["XUNJIAN_DATABASE_URL"].startswith("postgresql://")


def test_the_targets_file_is_mounted_where_xunjian_targets_points() -> None:
    for name in ("migrate", "scheduler", "worker"):
        service = SERVICES[name]
        target = service["environment"]["XUNJIAN_TARGETS"]
        assert target in [container_path(volume) for volume in service["volumes"]]


def test_the_image_installs_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert "pip install ." in dockerfile
    assert 'CMD ["crawl", "schedule"]' in dockerfile
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"include = \[([^\]]*)\]", pyproject)
    assert include is not None
    packages = re.findall(r'"(\w+)\*"', include.group(1))
    assert packages
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile
        assert f"!{package}/" in ignored


def test_the_dashboard_asks_for_a_token_and_listens_on_this_host_only() -> None:
    web = SERVICES["web"]
    assert web["profiles"] == ["web"]
    command, rest = resolve(web["command"])
    assert command.name == "serve"
    assert rest == ["--host", "0.0.0.0", "--port", "8080"]
    assert "XUNJIAN_WEB_TOKEN" in web["environment"]
    assert web["ports"] == ["127.0.0.1:8080:8080"]
