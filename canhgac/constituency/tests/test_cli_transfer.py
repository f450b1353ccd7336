"""``canhgac import`` and ``canhgac export`` through the installed entry point, on a data directory of their own.

Messages are in the deployment's language (Vietnamese by default), so these tests look at row numbers, column
headers and the ``--json`` output rather than at the wording.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from canhgac.constituency.tests.data.builders import csv_bytes, xlsx_bytes
from canhgac.core.tests.cli_runner import Cli, initialised, prepared_copy

UNITS = csv_bytes([["Mã đơn vị", "Tên đơn vị", "Đơn vị cha", "Loại"],
                   ["SO-KHCN", "Sở Khoa học và Công nghệ", "", "sở"],
                   ["TT-CNTT", "Trung tâm CNTT <b>tỉnh</b>", "SO-KHCN", "đơn vị sự nghiệp"],
                   ["BV-DK", "Bệnh viện Đa khoa tỉnh", "", "bệnh viện"]])
ASSETS = csv_bytes([["Unit code", "Name", "Role", "Internet-facing", "IP addresses", "Software"],
                    ["TT-CNTT", "Cổng thông tin", "web_portal", "yes", "14.160.1.10, 2001:ee0:1::10",
                     "Apache | Tomcat | 9.0.58 | cpe:2.3:a:apache:tomcat:9.0.58:*:*:*:*:*:*:*; "
                     "VMware | Spring Framework | 5.3.17"],
                    ["BV-DK", "Máy chủ HIS", "server", "no", "10.2.0.5", "Microsoft | Windows Server 2019 | "
                     "10.0.17763.5576"]])
BAD_NETBLOCKS = csv_bytes([["Mã đơn vị", "Dải IP"], ["TT-CNTT", "14.160.0.0/16"], ["TT-CNTT", "999.1.1.0/24"],
                           ["NOPE", "10.0.0.0/8"]])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return initialised(tmp_path_factory.mktemp("transfer-template") / "data")


@pytest.fixture
def run(template: Path, tmp_path: Path) -> Cli:
    cli = prepared_copy(template, tmp_path / "data")
    (tmp_path / "units.csv").write_bytes(UNITS)
    (tmp_path / "assets.csv").write_bytes(ASSETS)
    (tmp_path / "bad.csv").write_bytes(BAD_NETBLOCKS)
    return cli


def test_importing_a_good_file_creates_the_rows_as_a_cli_job_audited_on_the_cli_channel(run: Cli) -> None:
    result = run.ok("import", "units", "units.csv")
    assert result.stdout.splitlines()[-1].split() == ["units", "3", "3", "0", "0"]
    assert run.query("SELECT u.code, p.code FROM constituency_unit u LEFT JOIN constituency_unit p "
                     "ON u.parent_id = p.id ORDER BY u.code") == [
        ("BV-DK", None), ("SO-KHCN", None), ("TT-CNTT", "SO-KHCN")]
    assert run.query("SELECT channel, count(*) FROM core_auditentry WHERE object_type = 'constituency.unit' "
                     "GROUP BY channel") == [("cli", 3)]
    assert run.query("SELECT kind, state, channel FROM core_job") == [("constituency.import", "succeeded", "cli")]


def test_json_reports_the_job_and_counts_and_a_second_import_changes_nothing(run: Cli) -> None:
    run.ok("import", "units", "units.csv")
    first = run.ok("import", "assets", "assets.csv", "--json").json()
    assert first["state"] == "succeeded" and first["dry_run"] is False and isinstance(first["job"], int)
    assert first["report"] == {"kind": "assets", "total": 2, "created": 2, "updated": 0, "unchanged": 0}
    again = run.ok("import", "assets", "assets.csv", "--json").json()
    assert again["report"] == {"kind": "assets", "total": 2, "created": 0, "updated": 0, "unchanged": 2}
    assert run.query("SELECT count(*) FROM constituency_software") == [(3,)]
    assert run.query("SELECT count(*) FROM core_auditentry WHERE object_type = 'constituency.asset'") == [(2,)]


def test_a_bad_file_exits_non_zero_names_each_row_and_column_on_stderr_and_writes_nothing(run: Cli) -> None:
    run.ok("import", "units", "units.csv")
    result = run("import", "netblocks", "bad.csv")
    assert result.returncode == 1 and not result.stdout
    lines = result.stderr.splitlines()
    assert any(" 3" in line and "Dải IP" in line and "999.1.1.0/24" in line for line in lines), result.stderr
    assert any(" 4" in line and "Mã đơn vị" in line and "NOPE" in line for line in lines), result.stderr
    assert lines[-1].startswith("canhgac import: ")
    assert run.query("SELECT count(*) FROM constituency_netblock") == [(0,)]
    assert run.query("SELECT state FROM core_job WHERE kind = 'constituency.import' ORDER BY id DESC LIMIT 1") == [
        ("failed",)]


def test_json_lists_the_errors_of_a_refused_file(run: Cli) -> None:
    run.ok("import", "units", "units.csv")
    result = run("import", "netblocks", "bad.csv", "--json")
    assert result.returncode == 1
    outcome = result.json()
    assert outcome["state"] == "failed" and outcome["more"] == 0
    assert [(error["row"], error["column"]) for error in outcome["errors"]] == [(3, "Dải IP"), (4, "Mã đơn vị")]


def test_a_dry_run_reports_what_would_change_and_records_nothing(run: Cli) -> None:
    outcome = run.ok("import", "units", "units.csv", "--dry-run", "--json").json()
    assert outcome["dry_run"] is True and outcome["job"] is None
    assert outcome["report"]["created"] == 3
    assert run.query("SELECT count(*) FROM constituency_unit") == [(0,)]
    assert run.query("SELECT count(*) FROM core_job") == [(0,)]
    refused = run("import", "netblocks", "bad.csv", "--dry-run")
    assert refused.returncode == 1 and "Dải IP" in refused.stderr


def test_an_unreadable_file_or_unknown_kind_is_a_clear_error(run: Cli) -> None:
    missing = run("import", "units", "no-such-file.csv")
    assert missing.returncode == 1 and "no-such-file.csv" in missing.stderr and "Traceback" not in missing.stderr
    assert run("import", "passwords", "units.csv").returncode == 2
    empty = run("import", "units", "-", stdin=b"")
    assert empty.returncode == 1 and "Traceback" not in empty.stderr


def test_acting_as_an_officer_keeps_their_scope(run: Cli) -> None:
    run.ok("import", "units", "units.csv")
    run.ok("user", "create", "bs", "--role", "unit_officer", "--unit", "BV-DK")
    refused = run("import", "assets", "assets.csv", "--as", "bs", "--json")
    assert refused.returncode == 1
    assert [(error["row"], error["column"]) for error in refused.json()["errors"]] == [(2, "Unit code")]
    exported = run.ok("export", "units", "--as", "bs", "--language", "en").stdout
    assert [line.split(",")[0] for line in exported.splitlines()[1:]] == ["BV-DK"]
    assert run("export", "units", "--as", "nobody").returncode == 1


def test_export_writes_csv_to_stdout_with_bom_and_filters_by_unit(run: Cli) -> None:
    run.ok("import", "units", "units.csv")
    run.ok("import", "assets", "assets.csv")
    everything = run.ok("export", "assets")
    assert everything.raw.startswith(b"\xef\xbb\xbf") and everything.stdout.count("\n") == 3
    tree = run.ok("export", "assets", "--unit-tree", "SO-KHCN", "--language", "en").stdout.lstrip("\ufeff")
    assert tree.splitlines()[0].startswith("Unit code,Name") and len(tree.splitlines()) == 2
    assert "Cổng thông tin" in tree
    assert run.ok("export", "assets", "--unit", "SO-KHCN").stdout.count("\n") == 1  # header only
    unknown = run("export", "assets", "--unit", "NOPE")
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr


def test_export_round_trips_through_import_unchanged_in_csv_and_xlsx(run: Cli, tmp_path: Path) -> None:
    run.ok("import", "units", "units.csv")
    run.ok("import", "assets", "-", stdin=xlsx_bytes(list(_rows(ASSETS))))
    for kind in ("units", "assets"):
        exported = run.ok("export", kind).raw
        outcome = run.ok("import", kind, "-", "--json", stdin=exported).json()
        assert outcome["report"]["unchanged"] == outcome["report"]["total"] > 0, outcome
        run.ok("export", kind, "--format", "xlsx", "-o", str(tmp_path / f"{kind}.xlsx"))
        sheet = openpyxl.load_workbook(tmp_path / f"{kind}.xlsx").active
        assert sheet is not None and sheet.max_row == outcome["report"]["total"] + 1
        again = run.ok("import", kind, str(tmp_path / f"{kind}.xlsx"), "--json").json()
        assert again["report"]["unchanged"] == again["report"]["total"]
    assert run("export", "assets", "--format", "xlsx", "-o", str(tmp_path / "no" / "dir.xlsx")).returncode == 1


def test_jobs_shows_an_import_job_with_its_result(run: Cli) -> None:
    job = run.ok("import", "units", "units.csv", "--json").json()["job"]
    listed = run.ok("jobs", "--json").json()
    assert [(entry["id"], entry["state"], entry["channel"]) for entry in listed] == [(job, "succeeded", "cli")]
    shown = run.ok("jobs", "show", str(job), "--follow", "--json").json()
    assert shown["result"] == {"kind": "units", "total": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert shown["progress_done"] == shown["progress_total"] == 3


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))
