"""``canhgac feed`` through the installed entry point, on a data directory of its own with two units and their
netblocks: lists imported as CLI jobs with their counts, the same file recognised, refused files exit 1 after the
others, and the formats listed. Messages are Vietnamese by default, so these tests read ``--json`` and the database."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from canhgac.core.tests.cli_runner import Cli

LIST = b"# Danh s\xc3\xa1ch IP botnet th\xc3\xa1ng 3\n203.113.5.7\n203.113.128.9\n2001:ee0:4f00::15\n8.8.8.8\n"


@pytest.fixture
def run(feed_cli: Cli, tmp_path: Path) -> Cli:
    cli = feed_cli
    (tmp_path / "botnet-2026-03.txt").write_bytes(LIST)
    (tmp_path / "botnet-2026-03.txt.gz").write_bytes(gzip.compress(LIST + b"203.113.5.8\n"))
    (tmp_path / "junk.bin").write_bytes(random.Random(5).randbytes(20_000))
    return cli


def test_a_list_is_imported_as_a_cli_job_with_its_counts(run: Cli) -> None:
    outcome = run.ok("feed", "import", "botnet-2026-03.txt", "--source", "vncert-botnet", "--reference",
                     "123/VNCERT-ĐPƯC", "--period", "2026-03", "--json").json()
    assert [item["state"] for item in outcome] == ["succeeded"]
    result = outcome[0]["result"]
    assert (result["lines"], result["valid"], result["matched"], result["outside"], result["units_affected"]) == (
        5, 4, 3, 1, 3)
    assert result["findings"]["opened"] == 3
    assert run.query("SELECT u.code, f.dedup_key FROM findings_finding f JOIN constituency_unit u "
                     "ON u.id = f.unit_id ORDER BY u.code") == [
        ("BV-DK", "2001:ee0:4f00::15"), ("SO-KHCN", "203.113.5.7"), ("TT-CNTT", "203.113.128.9")]
    assert run.query("SELECT reference, period, format FROM intel_feedbatch") == [("123/VNCERT-ĐPƯC", "2026-03",
                                                                                   "plain")]
    assert run.query("SELECT kind, state, channel FROM core_job WHERE kind = 'intel.feed_import'") == [
        ("intel.feed_import", "succeeded", "cli")]


def test_the_same_file_again_is_recognised_and_a_gzip_of_a_later_list_refreshes(run: Cli) -> None:
    run.ok("feed", "import", "botnet-2026-03.txt", "--period", "2026-03")
    again = run.ok("feed", "import", "botnet-2026-03.txt", "botnet-2026-03.txt.gz", "--period", "2026-04",
                   "--json").json()
    assert [item["result"]["duplicate"] for item in again] == [True, False]
    assert again[1]["result"]["findings"] == {"opened": 1, "refreshed": 3, "reopened": 0, "verified": 0}
    assert run.query("SELECT count(*) FROM intel_feedbatch") == [(2,)]
    text = run.ok("feed", "import", "botnet-2026-03.txt")
    assert "#1" in text.stdout and "2026-03" in text.stdout


def test_a_refused_file_exits_1_after_the_others_are_imported(run: Cli) -> None:
    result = run("feed", "import", "junk.bin", "botnet-2026-03.txt")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("junk.bin: ")
    assert result.stderr.splitlines()[-1].startswith("canhgac feed: ")
    assert run.query("SELECT filename FROM intel_feedbatch") == [("botnet-2026-03.txt",)]
    missing = run("feed", "import", "nowhere.txt", "--json")
    assert missing.returncode == 1 and missing.json()[0]["state"] == "failed"


def test_bad_options_are_refused(run: Cli) -> None:
    assert run("feed", "import", "botnet-2026-03.txt", "--period", "2026-13").returncode == 1
    assert run("feed", "import", "botnet-2026-03.txt", "--source", "VNCERT botnet").returncode == 1
    assert run("feed", "import", "botnet-2026-03.txt", "--column", "colour=red").returncode == 2
    assert run("feed", "import", "botnet-2026-03.txt", "--format", "yaml").returncode == 2
    assert run("feed").returncode == 2
    assert run.query("SELECT count(*) FROM core_job WHERE kind = 'intel.feed_import'") == [(0,)]


def test_formats_are_listed(run: Cli) -> None:
    formats = run.ok("feed", "formats", "--json").json()
    assert [item["name"] for item in formats] == ["csv", "firehol", "misp", "plain", "shadowserver", "stix"]
    assert run.ok("feed", "formats").stdout.count("\n") == 7
