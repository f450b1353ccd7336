"""Opening a received advisory file: .gz and .zip (bounded), JSON documents or JSON lines, one record at a time.

A file is one JSON document (a record, a bundle, a catalogue), JSON lines (one record per line: large bundles are
streamed, never held whole), or a .zip of such files (as the CVE List's releases are). Compressed input is bounded
(:data:`MAX_EXPANDED_BYTES`, :data:`MAX_RATIO`), archives inside archives are refused, and JSON that is not JSON,
nests without end or holds numbers of thousands of digits is refused with where and why — before anything is stored.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from canhgac.advisories.parsers import AdvisoryParser, UnknownFormat, choose_parser, parsers

MAX_EXPANDED_BYTES = 4 << 30
MAX_RATIO = 200
RATIO_GRACE_BYTES = 16 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")


class AdvisoryFileRefused(Exception):
    """The whole file is refused and nothing is stored; the message is for the person who sent it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.details = details or {}


@dataclass
class Record:
    where: str
    parser: AdvisoryParser
    value: Any
    error: str = ""
    """Set when the record could not even be decoded (a bad JSON line); the record is then bad."""


class Bounded(io.RawIOBase):
    """A decompressing stream that stops at the size and ratio limits and names corruption plainly."""

    def __init__(self, inner: IO[bytes] | gzip.GzipFile, compressed_size: int, kind: str):
        self.inner = inner
        self.compressed_size = max(compressed_size, 1)
        self.kind = kind
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.inner.read(len(buffer))
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as error:
            raise AdvisoryFileRefused(_("The %(kind)s file is truncated or corrupt (%(reason)s); nothing was "
                                        "imported.") % {"kind": self.kind, "reason": error}) from error
        size = len(data)
        buffer[:size] = data
        self.count += size
        if self.count > MAX_EXPANDED_BYTES or (self.count > RATIO_GRACE_BYTES and
                                               self.count > MAX_RATIO * self.compressed_size):
            raise AdvisoryFileRefused(_("The %(kind)s file expands beyond what an advisory file can be (a "
                                        "decompression bomb?); nothing was imported.") % {"kind": self.kind})
        return size


def records(stream: IO[bytes], filename: str, size: int, format_name: str | None = None) -> Iterator[Record]:
    """Every record of the file, with the parser that reads it (named, or recognised per document)."""
    if format_name and format_name not in parsers():
        raise AdvisoryFileRefused(_("Unknown advisory format “%(name)s”; known formats: %(known)s.")
                                  % {"name": format_name[:40], "known": ", ".join(sorted(parsers()))})
    for name, binary in _documents(stream, filename, size):
        yield from _document_records(name, binary, format_name)


def _documents(stream: IO[bytes], filename: str, size: int) -> Iterator[tuple[str, IO[bytes]]]:
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(GZIP_MAGIC):
        inner = filename[:-3] if filename.lower().endswith(".gz") else filename
        yield inner, io.BufferedReader(Bounded(gzip.GzipFile(fileobj=stream), size, "gzip"), 1 << 20)
        return
    if head.startswith(ZIP_MAGIC):
        yield from _zip_members(stream, size)
        return
    yield filename, stream


def _zip_members(stream: IO[bytes], size: int) -> Iterator[tuple[str, IO[bytes]]]:
    try:
        archive = zipfile.ZipFile(stream)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise AdvisoryFileRefused(_("The zip file is truncated or corrupt (%(reason)s); nothing was imported.")
                                  % {"reason": error}) from error
    nested = [info.filename for info in members if info.filename.lower().endswith(ARCHIVE_SUFFIXES)]
    if nested:
        raise AdvisoryFileRefused(_("The zip file holds other archives (%(name)s); send the JSON files themselves.")
                                  % {"name": nested[0][:120]})
    if sum(info.file_size for info in members) > MAX_EXPANDED_BYTES:
        raise AdvisoryFileRefused(_("The zip file expands beyond what an advisory file can be (a decompression "
                                    "bomb?); nothing was imported."))
    for info in members:
        if info.filename.lower().endswith((".json", ".jsonl", ".ndjson")):
            yield info.filename, io.BufferedReader(Bounded(archive.open(info), max(size, 1), "zip"), 1 << 20)


def _document_records(name: str, binary: IO[bytes], format_name: str | None) -> Iterator[Record]:
    reader = _text(binary)
    first = _read_line(reader, name)
    second = _read_line(reader, name) if first.lstrip().startswith("{") else ""
    if first.strip() and second.strip().startswith("{") and _is_object(first):
        yield from _lines(name, reader, [first, second], format_name)
        return
    text = first + second + _read_rest(reader, name)
    document = _loads(text, name)
    parser = _parser(format_name, document, name)
    for where, value in parser.records(document):
        yield Record(f"{name}{' ' + where if where else ''}", parser, value)


def _text(binary: IO[bytes]) -> io.TextIOWrapper:
    """UTF-8 (a byte-order mark dropped), or UTF-16 with its mark (as Windows tools save "Unicode")."""
    head = binary.read(4)
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    return io.TextIOWrapper(io.BufferedReader(_Prefixed(head, binary), 1 << 20), encoding=encoding,
                            errors="strict", newline="")


class _Prefixed(io.RawIOBase):
    """The bytes already read, then the rest of the stream."""

    def __init__(self, prefix: bytes, rest: IO[bytes]):
        self.prefix = prefix
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.prefix:
            size = min(len(buffer), len(self.prefix))
            buffer[:size] = self.prefix[:size]
            self.prefix = self.prefix[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _read_line(reader: Any, name: str) -> str:
    try:
        return str(reader.readline())
    except UnicodeDecodeError as error:
        raise _not_text(name) from error


def _read_rest(reader: Any, name: str) -> str:
    try:
        return str(reader.read())
    except UnicodeDecodeError as error:
        raise _not_text(name) from error


def _not_text(name: str) -> AdvisoryFileRefused:
    return AdvisoryFileRefused(_("%(file)s is not UTF-8 text (JSON must be); nothing was imported.") % {"file": name})


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _lines(name: str, reader: Any, first: list[str], format_name: str | None) -> Iterator[Record]:
    """JSON lines: the first record decides the format; a line that is not JSON is a bad record."""
    parser: AdvisoryParser | None = None
    number = 0
    for line in _all_lines(reader, first, name):
        number += 1
        if not line.strip():
            continue
        where = _("%(file)s line %(line)d") % {"file": name, "line": number}
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            yield Record(where, parser or _fallback(), None, _json_reason(error))
            continue
        parser = parser or _parser(format_name, value, name)
        yield Record(where, parser, value)


def _all_lines(reader: Any, first: list[str], name: str) -> Iterator[str]:
    yield from first
    while line := _read_line(reader, name):
        yield line


def _fallback() -> AdvisoryParser:
    return next(iter(parsers().values()))()


def _loads(text: str, name: str) -> Any:
    if not text.strip():
        raise AdvisoryFileRefused(_("%(file)s is empty; nothing was imported.") % {"file": name})
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise AdvisoryFileRefused(_("%(file)s is not valid JSON: %(reason)s; nothing was imported.")
                                  % {"file": name, "reason": _json_reason(error)}) from error


def _json_reason(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return _("nested too deeply")
    if isinstance(error, json.JSONDecodeError):
        return _("%(message)s at line %(line)d, column %(column)d") % {"message": error.msg, "line": error.lineno,
                                                                        "column": error.colno}
    return str(error)[:200]


def _parser(format_name: str | None, document: Any, name: str) -> AdvisoryParser:
    try:
        return choose_parser(format_name, document)
    except UnknownFormat as error:
        raise AdvisoryFileRefused(_("%(file)s is not in a known advisory format (%(known)s); name it with --format.")
                                  % {"file": name, "known": ", ".join(sorted(parsers()))}) from error
