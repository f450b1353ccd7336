"""MISP feeds (manifest.json + one JSON per event) from a directory, a zip and a URL, with a real OSINT event of
the corpora: each event with IP attributes becomes a batch, events are remembered by uuid and timestamp so that a
second import takes only what changed, and hostile feeds (bad manifest keys, a broken event, a zip bomb) are refused
event by event without stopping the others."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.findings.models import Finding
from canhgac.intel.models import FeedBatch, FeedSource, Hit, MispEvent
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services import ensure_source
from canhgac.intel.services.mispfeed import import_misp_feed, local_feed, read_manifest
from canhgac.intel.services.pulling import pull_source, save_source
from canhgac.intel.tests.httpfeed import Answer, FeedServer

pytestmark = [pytest.mark.django_db, pytest.mark.corpora, pytest.mark.usefixtures("english")]

SEDNIT = "5a3c2fcd-8328-42bb-a95e-4f4402de0b81"
RANDOM = "5758ebf5-c898-48e6-9fe9-5665c0a83866"
BROKEN = "11111111-2222-4333-8444-555555555555"
MISSING = "66666666-7777-4888-9999-000000000000"


def manifest(**timestamps: int) -> dict[str, Any]:
    uuids = {"sednit": SEDNIT, "random": RANDOM, "broken": BROKEN, "missing": MISSING}
    return {uuids[name]: {"info": name, "timestamp": str(stamp), "Orgc": {"name": "CIRCL"}}
            for name, stamp in timestamps.items()}


@pytest.fixture
def feed_dir(tmp_path: Path, corpora: Path) -> Path:
    folder = tmp_path / "feed"
    folder.mkdir()
    events = corpora / "misp-samples/pymisp-2.5.34.4/tests/mispevent_testfiles"
    (folder / f"{SEDNIT}.json").write_bytes((events / "existing_event.json").read_bytes())
    (folder / f"{RANDOM}.json").write_bytes((corpora / "botnet-raw-feed-samples/misp_misp_event.json").read_bytes())
    (folder / f"{BROKEN}.json").write_bytes(b'{"Event": {"Attribute": [{"type": "ip-dst", "value": ')
    (folder / "manifest.json").write_text(json.dumps(manifest(sednit=1513948642, random=1465681801,
                                                              broken=1500000000)))
    return folder


@pytest.fixture
def blocks(province: Any) -> None:
    NetblockFactory(unit=province.own_unit, block="87.236.211.0/24")  # the Sednit event's C2 servers
    NetblockFactory(unit=province.other_unit, block="185.216.35.0/24")


def test_a_feed_directory_imports_each_event_with_addresses_as_a_batch_and_remembers_every_event(
        feed_dir: Path, blocks: None, province: Any) -> None:
    source = ensure_source("circl-osint")

    outcome = import_misp_feed(local_feed(feed_dir), source, period="2026-03")  # type: ignore[arg-type]

    assert (outcome.events, len(outcome.imported), outcome.without_ips, outcome.unchanged) == (3, 1, 1, 0)
    assert [item["uuid"] for item in outcome.refused] == [BROKEN]
    assert "not valid" in outcome.refused[0]["error"]
    batch = FeedBatch.objects.get()
    assert (batch.format, batch.complete, batch.filename, batch.metadata["uuid"]) == (
        "misp", False, f"{SEDNIT}.json", SEDNIT)
    assert sorted(Hit.objects.values_list("unit__code", "indicator")) == [
        ("BV-DK", "185.216.35.26"), ("SO-TTTT", "87.236.211.182")]
    assert Finding.objects.count() == 2
    remembered = {event.uuid: event for event in MispEvent.objects.all()}
    assert remembered[SEDNIT].batch == batch and remembered[SEDNIT].timestamp == 1513948642
    assert remembered[RANDOM].batch is None and remembered[RANDOM].error == ""
    assert remembered[BROKEN].batch is None and "not valid" in remembered[BROKEN].error


def test_a_second_import_takes_only_new_or_changed_events(feed_dir: Path, blocks: None, corpora: Path) -> None:
    source = ensure_source("circl-osint")
    import_misp_feed(local_feed(feed_dir), source, period="2026-03")  # type: ignore[arg-type]

    again = import_misp_feed(local_feed(feed_dir), source, period="2026-04")  # type: ignore[arg-type]
    assert (again.unchanged, again.imported, again.refused) == (3, [], [])

    edited = corpora / "misp-samples/pymisp-2.5.34.4/tests/mispevent_testfiles/existing_event_edited.json"
    (feed_dir / f"{SEDNIT}.json").write_bytes(edited.read_bytes())
    (feed_dir / "manifest.json").write_text(json.dumps(manifest(sednit=1513948700, random=1465681801,
                                                                broken=1500000000)))
    changed = import_misp_feed(local_feed(feed_dir), source, period="2026-04")  # type: ignore[arg-type]

    assert (changed.unchanged, len(changed.imported)) == (2, 1)
    assert FeedBatch.objects.count() == 2
    assert MispEvent.objects.get(uuid=SEDNIT).timestamp == 1513948700
    assert Finding.objects.count() == 2  # the same addresses again: refreshed, not doubled


def test_manifest_keys_that_are_not_uuids_never_reach_a_path(feed_dir: Path, tmp_path: Path, blocks: None) -> None:
    (tmp_path / "secret.json").write_text('{"Event": {"Attribute": [{"type": "ip-dst", "value": "87.236.211.1"}]}}')
    hostile = {"../secret": {"timestamp": "1"}, "not-a-uuid": {"timestamp": "2"}, SEDNIT: {"timestamp": "x"},
               RANDOM: "a string"}
    (feed_dir / "manifest.json").write_text(json.dumps(hostile))
    outcome = import_misp_feed(local_feed(feed_dir), ensure_source("hostile"), period="2026-03")  # type: ignore[arg-type]
    assert (outcome.events, outcome.invalid_entries) == (0, 4)
    assert FeedBatch.objects.count() == 0
    with pytest.raises(FeedRefused, match="must map event UUIDs"):
        read_manifest(b"[1, 2, 3]")
    with pytest.raises(FeedRefused, match="not valid JSON"):
        read_manifest(b"\xff\xfe{")


def test_a_zipped_feed_is_read_from_its_folder_and_a_bomb_inside_is_refused(feed_dir: Path, tmp_path: Path,
                                                                           blocks: None, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1 << 20
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writing:
        for path in feed_dir.iterdir():
            if path.name != "manifest.json":
                writing.write(path, f"feed-osint/{path.name}")
        writing.writestr("feed-osint/manifest.json", json.dumps(manifest(sednit=1, random=1, missing=1)))
        writing.writestr(f"feed-osint/{MISSING}.json", b" " * (8 << 20))  # 8 MB of nothing in a few kB
    assert archive.stat().st_size < 200_000

    outcome = import_misp_feed(local_feed(archive), ensure_source("zipped"), period="2026-03")  # type: ignore[arg-type]

    assert (outcome.events, len(outcome.imported), outcome.without_ips) == (3, 1, 1)
    assert [item["uuid"] for item in outcome.refused] == [MISSING]
    assert "decompression bomb" in outcome.refused[0]["error"]
    assert local_feed(feed_dir / f"{SEDNIT}.json") is None  # an event file alone is an ordinary import


def test_a_feed_pulled_from_a_url_imports_its_events_and_then_asks_for_the_manifest_conditionally(
        server: FeedServer, feed_dir: Path, blocks: None) -> None:
    for path in feed_dir.iterdir():
        headers = {"ETag": '"m1"'} if path.name == "manifest.json" else {}
        server.answers[f"/feed-osint/{path.name}"] = Answer(path.read_bytes(), headers=headers)
    source = save_source(FeedSource(name="circl-osint", url=server.url("/feed-osint"), pull_format="misp-feed",
                                    pull_enabled=True, allow_http=True))

    first = pull_source(source)

    assert first.state == "imported" and len(first.batches) == 1
    assert first.details["without_ips"] == 1 and "not valid" in first.error
    assert sorted(server.paths()) == sorted(f"/feed-osint/{name}" for name in (
        "manifest.json", f"{SEDNIT}.json", f"{RANDOM}.json", f"{BROKEN}.json"))
    source.refresh_from_db()
    assert source.pull_etag == '"m1"'

    second = pull_source(source)
    assert second.state == "unchanged" and second.error == ""
    assert server.paths()[-1] == "/feed-osint/manifest.json"
    assert server.requests[-1].headers["if-none-match"] == '"m1"'
    assert FeedBatch.objects.count() == 1


def test_an_event_the_server_fails_to_send_is_fetched_again_at_the_next_pull(server: FeedServer, feed_dir: Path,
                                                                             blocks: None) -> None:
    server.answers["/feed/manifest.json"] = Answer((feed_dir / "manifest.json").read_bytes(), headers={"ETag": '"m"'})
    server.answers[f"/feed/{SEDNIT}.json"] = Answer(b"busy", status=503)
    server.answers[f"/feed/{RANDOM}.json"] = Answer((feed_dir / f"{RANDOM}.json").read_bytes())
    server.answers[f"/feed/{BROKEN}.json"] = Answer((feed_dir / f"{BROKEN}.json").read_bytes())
    source = save_source(FeedSource(name="flaky", url=server.url("/feed/"), pull_format="misp-feed",
                                    pull_enabled=True, allow_http=True))

    first = pull_source(source)
    assert first.details["retry_later"] == 1 and not MispEvent.objects.filter(uuid=SEDNIT).exists()
    source.refresh_from_db()
    assert source.pull_etag == ""  # the manifest must be read again, not answered 304

    server.answers[f"/feed/{SEDNIT}.json"] = Answer((feed_dir / f"{SEDNIT}.json").read_bytes())
    second = pull_source(source)
    assert len(second.batches) == 1 and second.details["unchanged"] == 2
