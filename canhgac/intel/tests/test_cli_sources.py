"""``canhgac feed source add|list|pull`` and ``canhgac feed import`` of a MISP feed directory, through the installed
entry point on a data directory of its own, pulling from a real local HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canhgac.core.tests.cli_runner import Cli
from canhgac.intel.tests.httpfeed import Answer, FeedServer

LIST = b"203.113.5.7\n203.113.5.8\n8.8.8.8\n"
EVENT_UUID = "5a3c2fcd-8328-42bb-a95e-4f4402de0b81"


@pytest.fixture
def run(feed_cli: Cli) -> Cli:
    return feed_cli


def test_a_source_is_added_listed_and_pulled_then_not_modified(run: Cli, server: FeedServer) -> None:
    server.answers["/botnet.txt"] = Answer(LIST, headers={"ETag": '"a"'})
    run.ok("feed", "source", "add", "vncert-botnet", "--url", server.url("/botnet.txt"), "--allow-http",
           "--every", "6h", "--label", "VNCERT/CC botnet")

    [listed] = run.ok("feed", "source", "list", "--json").json()
    assert (listed["name"], listed["enabled"], listed["every"], listed["allow_http"], listed["pulled_at"]) == (
        "vncert-botnet", True, "6h", True, None)

    [pulled] = run.ok("feed", "source", "pull", "vncert-botnet", "--json").json()
    assert pulled["state"] == "imported" and len(pulled["batches"]) == 1
    assert run.query("SELECT matched, outside FROM intel_feedbatch") == [(2, 1)]
    assert run.query("SELECT channel FROM core_job WHERE kind = 'intel.feed_import'") == [("cli",)]

    [again] = run.ok("feed", "source", "pull", "vncert-botnet", "--json").json()
    assert again["state"] == "unchanged"
    assert server.requests[-1].headers["if-none-match"] == '"a"'
    assert run.ok("feed", "source", "pull", "--json").json() == []  # pulled just now: nothing is due
    assert "vncert-botnet" in run.ok("feed", "source", "list").stdout


def test_bad_sources_and_failed_pulls_exit_1(run: Cli, server: FeedServer) -> None:
    plain = run("feed", "source", "add", "plain", "--url", server.url("/botnet.txt"))
    assert plain.returncode == 1 and "HTTPS" in plain.stderr
    assert run("feed", "source", "add", "x", "--every", "fortnight").returncode == 2
    assert run("feed", "source", "add", "nourl", "--enabled").returncode == 1
    assert run("feed", "source", "pull", "nosuch").returncode == 1
    server.answers["/down.txt"] = Answer(b"", status=503)
    run.ok("feed", "source", "add", "down", "--url", server.url("/down.txt"), "--allow-http")
    failed = run("feed", "source", "pull", "down", "--json")
    assert failed.returncode == 1 and failed.json()[0]["state"] == "failed"
    assert run.query("SELECT pull_error != '' FROM intel_feedsource WHERE name = 'down'") == [(1,)]
    assert run.query("SELECT count(*) FROM intel_feedbatch") == [(0,)]


@pytest.mark.corpora
def test_a_misp_feed_directory_is_imported_event_by_event(run: Cli, corpora: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed-osint"
    feed.mkdir()
    event = corpora / "misp-samples/pymisp-2.5.34.4/tests/mispevent_testfiles/existing_event.json"
    (feed / f"{EVENT_UUID}.json").write_bytes(event.read_bytes())
    (feed / "manifest.json").write_text(json.dumps({EVENT_UUID: {"info": "Sednit", "timestamp": "1513948642"}}))

    [first] = run.ok("feed", "import", str(feed), "--source", "circl-osint", "--json").json()
    [second] = run.ok("feed", "import", str(feed), "--source", "circl-osint", "--json").json()

    assert (first["result"]["imported"], second["result"]["imported"], second["result"]["unchanged"]) == (1, 0, 1)
    assert run.query("SELECT format, filename FROM intel_feedbatch") == [("misp", f"{EVENT_UUID}.json")]
    assert run.query("SELECT uuid, timestamp FROM intel_mispevent") == [(EVENT_UUID, 1513948642)]
