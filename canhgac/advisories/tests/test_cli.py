"""``canhgac advisory`` through the installed entry point, on a data directory of its own (see core's cli_runner):
import with a letter, the same file again, a refused file, matching, formats and the alias table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canhgac.constituency.tests.data.builders import csv_bytes
from canhgac.core.tests.cli_runner import Cli, initialised, prepared_copy

UNITS = csv_bytes([["Mã đơn vị", "Tên đơn vị", "Đơn vị cha", "Loại"], ["TT-CNTT", "Trung tâm CNTT", "", "sở"]])
ASSETS = csv_bytes([["Unit code", "Name", "Role", "Internet-facing", "IP addresses", "Software"],
                    ["TT-CNTT", "Cổng dịch vụ công", "web_portal", "yes", "14.160.1.10",
                     "Apache | Tomcat | 9.0.58; VMware | Spring Framework | 5.3.17"],
                    ["TT-CNTT", "Máy chủ thư", "mail", "yes", "14.160.1.11",
                     "Zimbra | Zimbra Collaboration | 8.8.15 Patch 41"]])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("advisories-template") / "data"
    initialised(directory)
    (directory.parent / "units.csv").write_bytes(UNITS)
    (directory.parent / "assets.csv").write_bytes(ASSETS)
    cli = Cli(directory)
    cli.ok("import", "units", str(directory.parent / "units.csv"))
    cli.ok("import", "assets", str(directory.parent / "assets.csv"))
    return directory


@pytest.fixture
def run(template: Path, tmp_path: Path) -> Cli:
    return prepared_copy(template, tmp_path / "data")


def test_import_with_a_letter_matches_and_opens_findings(run: Cli, corpora: Path) -> None:
    record = corpora / "cve-json5/CVE-2022-22965.json"
    result = run.ok("advisory", "import", str(record), "--reference", "2216/CATTT-NCSC", "--deadline",
                    "2026-12-31", "--json").json()
    [outcome] = result
    assert outcome["state"] == "succeeded" and outcome["result"]["created"] == 1
    assert outcome["result"]["matching"]["opened"] == 1
    assert run.query("SELECT source, reference, deadline FROM advisories_advisory") == [
        ("cve5", "2216/CATTT-NCSC", "2026-12-31")]
    assert run.query("SELECT source, dedup_key LIKE 'CVE-2022-22965@%', due_on, priority FROM findings_finding") == [
        ("advisory", 1, "2026-12-31", 1)]
    again = run.ok("advisory", "import", str(record), "--reference", "2216/CATTT-NCSC", "--deadline", "2026-12-31",
                   "--json").json()
    assert again[0]["result"]["duplicate"] is True
    assert run.query("SELECT channel FROM core_job WHERE kind = 'advisories.import'") == [("cli",), ("cli",)]


def test_a_refused_file_exits_one_and_names_its_bad_records(run: Cli, tmp_path: Path, corpora: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2023-1"}}]))
    result = run("advisory", "import", str(bad), str(corpora / "cve-json5/CVE-2023-37580.json"), "--json")
    assert result.returncode == 1
    outcomes = result.json()
    assert [outcome["state"] for outcome in outcomes] == ["failed", "succeeded"]
    assert outcomes[0]["bad_records"][0][0] == "bad.json [0]"
    assert run.query("SELECT source_id FROM advisories_advisory") == [("CVE-2023-37580",)]
    missing = run("advisory", "import", str(tmp_path / "missing.json"))
    assert missing.returncode == 1 and "missing.json" in missing.stderr


def test_match_formats_and_aliases(run: Cli, corpora: Path) -> None:
    run.ok("advisory", "import", str(corpora / "cve-json5/CVE-2023-37580.json"))
    summary = run.ok("advisory", "match", "--json").json()
    assert (summary["scope"], summary["exposures"]) == ("all", 0)  # Patch 41 is the fix
    formats = {row["name"] for row in run.ok("advisory", "formats", "--json").json()}
    assert formats == {"kev", "cve5", "nvd", "csaf", "soc"}
    aliases = run.ok("advisory", "alias", "--json").json()
    assert {"vendor": "synacor", "product": "", "to_vendor": "zimbra", "to_product": "", "builtin": True,
            "note": "Synacor sold Zimbra; KEV still names Synacor"} in aliases
    added = run.ok("advisory", "alias", "Acme Corp", "Portal", "Acme", "Web Portal", "--note", "renamed 2025")
    assert "Added" in added.stdout or "Đã" in added.stdout
    assert run.query("SELECT vendor_key, product_key, canonical_vendor, canonical_product FROM "
                     "advisories_productalias WHERE builtin = 0") == [("acme", "portal", "acme", "web_portal")]
    assert run("advisory", "alias", "only-two", "names").returncode != 0
