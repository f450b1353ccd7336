"""Each parser on the real samples of ``../shared/corpora`` and on small hand-made ones: which format is recognised,
how many entries each file holds, and what the hits keep (family, port, C2, ASN, timestamps, other columns)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.utils import translation

from canhgac.constituency.tests.factories import NetblockFactory, UnitFactory
from canhgac.intel.matching import Listing
from canhgac.intel.parsers import FeedParser, parsers, register
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services import Reading, read_feed
from canhgac.intel.services.storing import parse_moment

pytestmark = [pytest.mark.django_db, pytest.mark.corpora]


@pytest.fixture
def everywhere(db: None) -> Any:
    """One unit owning the whole address space, so that every listed address is a hit whose fields can be read."""
    unit = UnitFactory(code="KHAP-NOI")
    for block in ("0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"):
        NetblockFactory(unit=unit, block=block)
    return unit


def read(content: bytes, name: str, **options: Any) -> Reading:
    with translation.override("en"):
        return read_feed(io.BytesIO(content), name, len(content), **options)


def read_path(path: Path, **options: Any) -> Reading:
    return read(path.read_bytes(), path.name, **options)


def hit(reading: Reading, label: str) -> Listing:
    return next(listing for listing in reading.hits.values() if listing.label == label)


def fields(listing: Listing) -> dict[str, Any]:
    details = listing.details
    assert details is not None
    return {"family": ", ".join(details.families), "port": ", ".join(details.ports), "c2": ", ".join(details.c2),
            "asn": details.asn, "seen": details.seen, "other": details.other or {}}


@pytest.mark.parametrize(("sample", "parser", "valid"), [
    ("botnet-ipsum/ipsum.txt", "plain", 120_430),
    ("botnet-ipsum/levels/8.txt", "plain", 23),
    ("botnet-c2-tracker/2023-11/all.txt", "plain", 15_100),
    ("botnet-raw-feed-samples/spamhaus_drop.txt", "plain", 2),
    ("botnet-raw-feed-samples/bambenek_c2-ipmasterlist.txt", "plain", 1),
    ("botnet-firehol-2018/spamhaus_drop.netset", "firehol", 769),
    ("botnet-firehol-2018/feodo.ipset", "firehol", 2226),
    ("botnet-firehol-2018/feodo_badips.ipset", "firehol", 0),
    ("botnet-feodo/ipblocklist-2024-04-03.csv", "csv", 27),
    ("botnet-raw-feed-samples/cymru_certname_20190327.txt", "csv", 35),
    ("botnet-raw-feed-samples/spamhaus_cert.txt", "csv", 19),
    ("shadowserver-samples/event4_microsoft_sinkhole.csv", "shadowserver", 6),
    ("shadowserver-samples/legacy-2022/botnet_drone.csv", "shadowserver", 102),
    ("shadowserver-samples/scan_redis.csv", "shadowserver", None),
    ("stix21-samples/examples/indicator-for-c2-ip-address.json", "stix", 1),
    ("stix21-samples/examples/threat-reports/apt1.json", "stix", 4),
    ("stix21-samples/examples/threat-reports/poisonivy.json", "stix", 40),
    ("misp-samples/pymisp-2.5.34.4/tests/mispevent_testfiles/existing_event.json", "misp", 12),
    ("misp-samples/pymisp-2.5.34.4/tests/reportlab_testfiles/long_event.json", "misp", 9),
    ("misp-samples/pymisp-2.5.34.4/tests/57c4445b-c548-4654-af0b-4be3950d210f.json", "misp", 0),
])
def test_real_samples_are_recognised_and_counted(corpora, everywhere, sample, parser, valid):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / sample)
    assert reading.parser.name == parser
    tally = reading.tally
    if valid is not None:
        assert tally.valid == valid
    assert tally.valid == tally.matched + tally.duplicates  # everything is in the catch-all unit's space
    if parser not in ("stix", "misp"):  # a JSON record may hold several indicators
        assert tally.records == tally.valid + tally.invalid + tally.skipped


def test_feodo_csv_keeps_port_family_timestamps_and_the_rest(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "botnet-feodo/ipblocklist-2024-04-03.csv")
    assert reading.parser.metadata["columns"] == {"ip": "dst_ip", "family": "malware", "port": "dst_port",
                                                  "seen": "first_seen_utc"}
    assert fields(hit(reading, "192.9.135.73")) == {
        "family": "Pikabot", "port": "1194", "c2": "", "asn": "", "seen": ["2023-05-23 17:51:44"],
        "other": {"c2_status": "online", "last_online": "2024-04-01"}}


def test_cymru_reads_its_header_from_a_comment_and_gathers_repeated_addresses(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "botnet-raw-feed-samples/cymru_certname_20190327.txt")
    listing = hit(reading, "172.16.0.21")
    assert listing.occurrences == 35 and reading.tally.duplicates == 34
    assert fields(listing)["family"].startswith("bot, bruteforce") and fields(listing)["asn"] == "64496"


def test_shadowserver_sinkhole_events_name_the_infected_source(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "shadowserver-samples/event4_microsoft_sinkhole.csv")
    found = fields(hit(reading, "190.229.1.2"))
    assert (found["family"], found["port"], found["asn"], found["seen"]) == ("zeroaccess", "52955", "7303",
                                                                             ["2021-06-07 00:00:00"])
    assert found["other"]["dst_ip"] == "168.63.134.179"


def test_shadowserver_drone_reports_keep_the_c2(corpora, everywhere):  # type: ignore[no-untyped-def]
    found = fields(hit(read_path(corpora / "shadowserver-samples/legacy-2022/botnet_drone.csv"), "210.23.139.130"))
    assert (found["family"], found["c2"], found["port"]) == ("dorkbot", "74.208.164.166", "3218")


def test_spamhaus_drop_keeps_ipv6_blocks_and_the_sbl_note(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "botnet-raw-feed-samples/spamhaus_drop.txt")
    assert fields(hit(reading, "2a06:e480::/29"))["other"] == {"note": "SBL301771"}


def test_firehol_headers_become_the_batch_metadata(corpora, everywhere):  # type: ignore[no-untyped-def]
    metadata = read_path(corpora / "botnet-firehol-2018/spamhaus_drop.netset").parser.metadata
    assert metadata["Maintainer"] == "Spamhaus.org"
    assert metadata["Entries"] == "769 subnets, 18910976 unique IPs"


def test_stix_patterns_give_addresses_and_blocks(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "stix21-samples/examples/threat-reports/apt1.json")
    assert sorted(listing.label for listing in reading.hits.values()) == [
        "112.64.0.0/15", "139.226.0.0/15", "223.166.0.0/15", "58.246.0.0/15"]
    assert not reading.parser.complete_list


def test_stix_observed_data_and_subset_patterns(everywhere):  # type: ignore[no-untyped-def]
    bundle = {"type": "bundle", "id": "bundle--1", "objects": [
        {"type": "observed-data", "id": "observed-data--1", "first_observed": "2026-03-01T00:00:00Z",
         "object_refs": ["ipv4-addr--a", "ipv6-addr--b", "domain-name--c", "ipv4-addr--missing"]},
        {"type": "ipv4-addr", "id": "ipv4-addr--a", "value": "203.113.5.7"},
        {"type": "ipv6-addr", "id": "ipv6-addr--b", "value": "2001:ee0:1::7"},
        {"type": "domain-name", "id": "domain-name--c", "value": "c2.example"},
        {"type": "observed-data", "id": "observed-data--2", "objects": {"0": {"type": "ipv4-addr",
                                                                              "value": "14.160.0.9"}}},
        {"type": "indicator", "id": "indicator--3", "pattern_type": "stix", "labels": ["Mirai"],
         "pattern": "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [ipv4-addr:value = '192.0.2.1']"},
        {"type": "indicator", "id": "indicator--4", "pattern_type": "snort", "pattern": "alert ip 1.2.3.4 any"},
    ]}
    reading = read(json.dumps(bundle).encode(), "bundle.json")
    assert sorted(listing.label for listing in reading.hits.values()) == [
        "14.160.0.9", "192.0.2.1", "198.51.100.0/24", "2001:ee0:1::7", "203.113.5.7"]
    assert fields(hit(reading, "203.113.5.7"))["seen"] == ["2026-03-01T00:00:00Z"]
    assert fields(hit(reading, "198.51.100.0/24"))["family"] == "Mirai"


def test_misp_objects_ports_domain_pairs_and_deleted_attributes(everywhere):  # type: ignore[no-untyped-def]
    event = {"response": [{"Event": {"info": "Chiến dịch botnet tháng 3", "uuid": "e-1", "Attribute": [
        {"type": "ip-dst|port", "value": "203.113.5.7|8443", "category": "Network activity", "timestamp": "1772323200"},
        {"type": "domain|ip", "value": "c2.example|14.160.0.9", "comment": "C2"},
        {"type": "ip-src", "value": "192.0.2.1", "deleted": True},
        {"type": "md5", "value": "001dd76872d80801692ff942308c64e6"},
    ], "Object": [{"name": "domain-ip", "Attribute": [{"type": "ip-dst", "value": "2001:ee0:1::7"}]}]}}]}
    reading = read(json.dumps(event, ensure_ascii=False).encode(), "event.json")
    assert sorted(listing.label for listing in reading.hits.values()) == ["14.160.0.9", "2001:ee0:1::7",
                                                                         "203.113.5.7"]
    found = fields(hit(reading, "203.113.5.7"))
    assert found["port"] == "8443" and found["seen"] == ["2026-03-01T00:00:00+00:00"]
    assert found["other"] == {"category": "Network activity", "event": "Chiến dịch botnet tháng 3"}
    assert fields(hit(reading, "2001:ee0:1::7"))["other"]["object"] == "domain-ip"
    assert (reading.tally.skipped, reading.parser.metadata["uuid"]) == (2, "e-1")


def test_real_misp_events_find_addresses_inside_objects(corpora, everywhere):  # type: ignore[no-untyped-def]
    reading = read_path(corpora / "misp-samples/pymisp-2.5.34.4/tests/mispevent_testfiles/existing_event.json")
    assert len(reading.hits) == 11 and reading.tally.duplicates == 1
    assert fields(hit(reading, "95.215.45.43"))["other"]["object"] == "domain-ip"


def test_vietnamese_headers_are_understood(everywhere):  # type: ignore[no-untyped-def]
    content = ("STT;Địa chỉ IP;Mã độc;Cổng;Thời gian phát hiện;Ghi chú\n"
               "1;203.113.5.7;Mirai;23;2026-03-01 08:00:00;Máy chủ <b>cổng</b>\n").encode()
    reading = read(content, "danh-sach.csv")
    assert reading.parser.name == "csv"
    assert fields(hit(reading, "203.113.5.7")) == {
        "family": "Mirai", "port": "23", "c2": "", "asn": "", "seen": ["2026-03-01 08:00:00"],
        "other": {"STT": "1", "Ghi chú": "Máy chủ <b>cổng</b>"}}


def test_columns_can_be_named_when_the_guess_is_wrong(corpora, everywhere):  # type: ignore[no-untyped-def]
    sample = corpora / "shadowserver-samples/event4_microsoft_sinkhole.csv"
    reading = read_path(sample, format_name="csv", columns={"ip": "dst_ip", "family": "infection"})
    assert "168.63.134.179" in {listing.label for listing in reading.hits.values()}
    with pytest.raises(FeedRefused, match="No column is named “nope”"):
        read_path(sample, format_name="csv", columns={"ip": "nope"})


def test_a_csv_without_an_ip_column_is_refused_with_advice(everywhere):  # type: ignore[no-untyped-def]
    with pytest.raises(FeedRefused, match="--column ip=HEADER"):
        read(b"name,comment\nfoo,bar\n", "list.csv", format_name="csv")


def test_an_unknown_format_name_is_refused(everywhere):  # type: ignore[no-untyped-def]
    with pytest.raises(FeedRefused, match="Unknown feed format"):
        read(b"203.113.5.7\n", "list.txt", format_name="yaml")


def test_the_registry_refuses_a_second_parser_of_the_same_name() -> None:
    class Another(FeedParser):
        name: ClassVar[str] = "plain"
        label = "another plain parser"

    assert "plain" in parsers()
    with pytest.raises(ValueError, match="already registered"):
        register(Another)


@pytest.mark.parametrize(("text", "moment"), [
    ("2023-05-23 17:51:44", datetime.datetime(2023, 5, 23, 17, 51, 44, tzinfo=datetime.UTC)),
    ("2014-05-08T09:00:00.000Z", datetime.datetime(2014, 5, 8, 9, tzinfo=datetime.UTC)),
    ("2026-03-01T08:00:00+07:00", datetime.datetime(2026, 3, 1, 1, tzinfo=datetime.UTC)),
    ("1441008970", datetime.datetime(2015, 8, 31, 8, 16, 10, tzinfo=datetime.UTC)),
    ("2024-04-01", datetime.datetime(2024, 4, 1, tzinfo=datetime.UTC)),
    ("yesterday", None), ("", None),
])
def test_feed_timestamps_are_read_as_utc(text: str, moment: datetime.datetime | None) -> None:
    assert parse_moment(text) == moment
