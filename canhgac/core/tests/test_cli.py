"""The ``canhgac`` command: its front door (help, unknown commands), accounts and tokens, and ``serve --demo``.

Help and usage errors run ``cli.main`` in this process (they stop before the database); the rest run the
installed entry point in a subprocess on a data directory of its own (see ``cli_runner``).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from canhgac import cli
from canhgac.core.tests.cli_runner import ENTRY_POINT, Cli, initialised, prepared_copy

OWN_COMMANDS = sorted(cli.COMMANDS)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return initialised(tmp_path_factory.mktemp("cli-template") / "data")


@pytest.fixture
def run(template: Path, tmp_path: Path) -> Cli:
    return prepared_copy(template, tmp_path / "data")


def test_the_entry_point_is_installed() -> None:
    assert ENTRY_POINT.exists(), "pip install -e . creates the canhgac console script"


def test_bare_canhgac_lists_exactly_our_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 0
    listed = re.findall(r"^  (\S+)\s", capsys.readouterr().out, flags=re.MULTILINE)
    assert sorted(listed) == OWN_COMMANDS
    assert "runserver" not in listed and "flush" not in listed


@pytest.mark.parametrize("name", OWN_COMMANDS)
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main([name, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: canhgac {name}")
    assert "--settings" not in out and "--pythonpath" not in out  # Django's plumbing is hidden


def test_the_readme_table_lists_every_command() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `canhgac (\w+)", readme, flags=re.MULTILINE)
    assert sorted(table) == OWN_COMMANDS


def test_an_unknown_command_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["runserver"]) == 2
    assert "runserver" in capsys.readouterr().err


def test_a_bad_option_exits_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["import", "passwords", "x.csv"])
    assert stop.value.code == 2
    assert "usage: canhgac import" in capsys.readouterr().err


def test_the_subprocess_entry_point_answers_help_and_refuses_unknown_commands(run: Cli) -> None:
    assert run.ok("--help").stdout.startswith("usage: canhgac COMMAND")
    unknown = run("frobnicate")
    assert unknown.returncode == 2 and "frobnicate" in unknown.stderr and not unknown.stdout


def test_user_create_prints_a_password_once_and_refuses_a_second_account_of_that_name(run: Cli) -> None:
    run.ok("import", "units", "-", stdin="Mã đơn vị,Tên đơn vị\nSO-YT,Sở Y tế\n".encode())
    created = run.ok("user", "create", "officer1", "--role", "unit_officer", "--unit", "so-yt",
                     "--email", "o1@example.gov.vn")
    password = re.search(r"officer1.*: (\S{20})$", created.stdout, flags=re.MULTILINE)
    assert password and created.stdout.count(password.group(1)) == 1
    again = run("user", "create", "officer1", "--role", "auditor")
    assert again.returncode == 1 and "officer1" in again.stderr
    listed = run.ok("user", "list", "--json").json()
    assert [(user["username"], user["role"], user["units"]) for user in listed] == [
        ("officer1", "unit_officer", ["SO-YT"])]
    assert run.query("SELECT channel FROM core_auditentry WHERE object_type = 'accounts.user'") == [("cli",)]


def test_user_create_refuses_an_unknown_unit_and_an_unknown_role(run: Cli) -> None:
    no_unit = run("user", "create", "x1", "--role", "unit_officer", "--unit", "NOPE")
    assert no_unit.returncode == 1 and "NOPE" in no_unit.stderr
    assert run("user", "create", "x2", "--role", "god").returncode == 2
    assert run.query("SELECT count(*) FROM accounts_user") == [(0,)]


def test_jobs_lists_nothing_on_a_new_database_and_refuses_an_unknown_job(run: Cli) -> None:
    assert run.ok("jobs", "--json").json() == []
    missing = run("jobs", "show", "99")
    assert missing.returncode == 1 and "99" in missing.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def api_get(url: str, token: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def wait_for_server(process: subprocess.Popen[bytes], port: int, deadline: float = 60) -> None:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        assert process.poll() is None, "canhgac serve stopped"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("canhgac serve did not start listening")


@pytest.mark.slow
def test_serve_demo_from_an_empty_data_dir_migrates_seeds_loads_and_serves_a_token_the_api_accepts(
        tmp_path: Path) -> None:
    run = Cli(tmp_path / "fresh")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(run.command("serve", "--demo", "--port", str(port)), stdout=log,
                              stderr=subprocess.STDOUT, env=run.env)
    try:
        wait_for_server(server, port)
        output = (tmp_path / "serve.log").read_text(encoding="utf-8")
        password = re.search(r"\badmin\b.*: ([A-Za-z0-9_-]{20})$", output, flags=re.MULTILINE)
        assert password, output
        assert output.count(password.group(1)) == 1 and f"http://127.0.0.1:{port}/" in output
        token = run.ok("token", "create", "admin", "--name", "ci").stdout.strip().splitlines()[-1]
        status, units = api_get(f"http://127.0.0.1:{port}/api/units/?limit=1", token)
        assert status == 200 and units["count"] == 60
        assert api_get(f"http://127.0.0.1:{port}/api/units/?limit=1", token + "x")[0] == 401
        assert api_get(f"http://127.0.0.1:{port}/api/units/")[0] in (401, 403)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    again = run.ok("demo", "--if-empty", "--json").json()
    assert again == {"loaded": False, "existing_units": 60}
