"""Bad files: each is refused whole with a message that says what is wrong (and where), or read with its bad lines
listed; a refused file stores nothing. Archives are opened with bounds, so bombs are refused before they expand."""

from __future__ import annotations

import gzip
import io
import random
import zipfile
import zlib

import pytest
from django.utils import translation

from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import JobState
from canhgac.findings.models import Finding
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.reading import MAX_LINE_CHARS, FeedRefused
from canhgac.intel.services import JOB_KIND, Reading, read_feed

pytestmark = pytest.mark.django_db

GOOD = b"# botnet\n203.113.5.7\n14.160.0.9\n"


def read(content: bytes, name: str = "list.txt", **options: object) -> Reading:
    with translation.override("en"):
        return read_feed(io.BytesIO(content), name, len(content), **options)  # type: ignore[arg-type]


def refusal(content: bytes, name: str = "list.txt") -> str:
    with pytest.raises(FeedRefused) as refused:
        read(content, name)
    return str(refused.value)


def gzip_stream(block: bytes, count: int) -> bytes:
    """``block`` × ``count`` gzip-compressed without holding the expanded text."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(block) for _ in range(count)]
    return b"".join([*parts, compressor.flush()])


def test_binary_junk_is_not_a_list() -> None:
    junk = random.Random(7).randbytes(200_000)
    assert "not a text file" in refusal(junk, "list.txt")


def test_a_truncated_gzip_is_refused_as_corrupt() -> None:
    packed = gzip.compress(GOOD * 5000)
    assert "truncated or corrupt" in refusal(packed[: len(packed) // 2], "list.txt.gz")


def test_a_gzip_bomb_is_refused_before_it_expands() -> None:
    bomb = gzip_stream(b"203.113.5.7\n" * 100_000, 100)  # 120 MB of text in a few hundred kilobytes
    assert len(bomb) < 8 << 20
    assert "decompression bomb" in refusal(bomb, "list.txt.gz")


def test_a_zip_bomb_is_refused_from_its_directory() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("list.txt", "w") as member:
        for _ in range(20):
            member.write(b"\n" * (1 << 20))
    assert "decompression bomb" in refusal(buffer.getvalue(), "list.zip")


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_of_one_list_is_read_and_one_of_several_refused() -> None:
    reading = read(zipped(("__MACOSX/._list.txt", b"junk"), ("list.txt", GOOD)), "list.zip")
    assert (reading.tally.valid, reading.parser.metadata["compression"]) == (2, "zip")
    assert "holds 2 files" in refusal(zipped(("a.txt", GOOD), ("b.txt", GOOD)), "lists.zip")


def test_an_archive_inside_an_archive_is_refused() -> None:
    assert "another archive" in refusal(zipped(("list.txt.gz", gzip.compress(GOOD))), "list.zip")
    assert "another archive" in refusal(gzip.compress(gzip.compress(GOOD)), "list.gz")


def test_a_corrupt_zip_is_refused() -> None:
    archive = zipped(("list.txt", GOOD * 100))
    assert "corrupt" in refusal(archive[:40], "list.zip")


def test_utf16_without_a_byte_order_mark_is_refused_with_advice() -> None:
    assert "UTF-16" in refusal(GOOD.decode().encode("utf-16-le"))


def test_utf16_with_its_byte_order_mark_is_read() -> None:
    text = "ip\tfamily\n203.113.5.7\tMirai — mã độc\n"
    assert read(text.encode("utf-16"), "excel.txt").tally.valid == 1


def test_windows_1258_text_is_refused_at_its_line() -> None:
    # "Đơn vị lạ" as Windows-1258 writes it: precomposed ơ, then i and a with a combining dot below
    content = "ip,family\n203.113.5.7,Mirai\n14.160.0.9,\u0110\u01a1n vi\u0323 la\u0323\n".encode("cp1258")
    message = refusal(content, "list.csv")
    assert "Line 3 is not UTF-8" in message and "Windows-1258" in message


def test_an_empty_file_is_refused_but_a_list_of_only_comments_is_an_empty_list() -> None:
    assert "empty" in refusal(b"")
    reading = read(b"# feodo_badips\n# Entries : 0 unique IPs\n")
    assert (reading.tally.valid, reading.tally.skipped) == (0, 2)


def test_a_million_invalid_lines_stop_early_and_store_nothing() -> None:
    junk = gzip_stream(b"".join(b"not-an-address-%06d\n" % n for n in range(1000)), 1000)
    message = refusal(junk, "junk.txt.gz")
    assert "invalid" in message and "nothing was imported" in message


def test_mostly_invalid_lines_refuse_the_file_naming_the_first() -> None:
    content = GOOD + b"".join(b"host-%d.example\n" % n for n in range(150))
    message = refusal(content)
    assert "150 of 152 entries are invalid" in message and "line 4" in message


def test_a_few_invalid_lines_are_listed_and_the_rest_read() -> None:
    content = GOOD * 400 + b"999.1.1.1\n1.2.3\n" + b"x" * (MAX_LINE_CHARS + 10) + b"\n203.113.9.9\r\n"
    reading = read(content)
    assert (reading.tally.invalid, reading.tally.valid) == (3, 801)
    assert [line for line, _reason, _text in reading.tally.invalid_lines] == [1201, 1202, 1203]
    assert "longer than" in reading.tally.invalid_lines[2][1]


def test_broken_json_is_refused_near_its_line() -> None:
    content = b'{"type": "bundle",\n "objects": [\n  {"type": "indicator", "pattern": "[ipv4-addr:value = \'1.2'
    assert "not valid near line 3" in refusal(content, "bundle.json")


def test_json_that_is_neither_stix_nor_misp_is_not_recognised() -> None:
    assert "not recognised" in refusal(b'[{"indicatorthreattype": "Botnet", "networksourceipv4": "1.2.3.4"}]',
                                       "ctip.json")


def test_a_refused_file_fails_its_job_and_stores_nothing(users) -> None:  # type: ignore[no-untyped-def]
    junk = random.Random(3).randbytes(50_000)
    job = jobs.create(JOB_KIND, users[Role.SOC_ANALYST], {"source": "vncert", "period": "2026-03"},
                      input_bytes=junk, input_name="botnet.txt")
    finished = jobs.execute(job.pk)
    assert finished.state == JobState.FAILED and finished.error
    assert finished.result["error"] == finished.error
    assert not FeedBatch.objects.exists() and not Hit.objects.exists() and not Finding.objects.exists()
