"""Opening a received feed: bounded decompression (.gz, .zip), text decoding, and lines in large blocks.

Nothing here holds the whole feed: the file is read through in blocks of about a megabyte. A compressed file that
expands past :data:`MAX_EXPANDED_BYTES`, or more than :data:`MAX_RATIO` times its compressed size, is refused as a
decompression bomb before it can fill memory or disk; so are archives inside archives and zips of several files.
Text must be UTF-8 (or UTF-16 with its byte-order mark, as Excel saves "Unicode text"); anything else is refused
with the line where it stops being text, so that a list saved in Windows-1258 or TCVN3 is not half-read.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from django.utils.translation import gettext as _

MAX_EXPANDED_BYTES = 1 << 30
MAX_RATIO = 100
RATIO_GRACE_BYTES = 8 << 20
"""Below this many expanded bytes the ratio is not checked (tiny files compress oddly)."""
BLOCK_CHARS = 1 << 20
MAX_LINE_CHARS = 1 << 16
HEAD_CHARS = 1 << 16
TOO_LONG = "\x00"
"""Stands in for a line longer than :data:`MAX_LINE_CHARS` (a NUL never survives into a block otherwise)."""

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FeedRefused(Exception):
    """The whole file is refused and nothing is stored; the message is for the person who sent it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.details = details or {}


class CountingReader(io.RawIOBase):
    """The raw file, counting the bytes read (progress, and the compressed side of the bomb ratio)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


class BoundedReader(io.RawIOBase):
    """A decompressing stream that stops at the size and ratio limits and names corruption plainly."""

    def __init__(self, inner: Any, compressed: Callable[[], int], kind: str):
        self.inner = inner
        self.compressed = compressed
        self.kind = kind
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            size = self.inner.readinto(buffer)
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as error:
            raise FeedRefused(_("The %(kind)s file is truncated or corrupt (%(reason)s); nothing was imported.")
                              % {"kind": self.kind, "reason": str(error)[:200]}) from error
        self.count += size
        if self.count > MAX_EXPANDED_BYTES or (
                self.count > RATIO_GRACE_BYTES and self.count > MAX_RATIO * max(1, self.compressed())):
            raise FeedRefused(_("The %(kind)s file expands to more than %(limit)d MB or %(ratio)d times its size: "
                                "refused as a possible decompression bomb.")
                              % {"kind": self.kind, "limit": MAX_EXPANDED_BYTES >> 20, "ratio": MAX_RATIO})
        return size


@dataclass
class OpenedFeed:
    binary: io.BufferedReader
    name: str
    compression: str
    progress: Callable[[], tuple[int, int]]


@contextmanager
def open_feed(raw: BinaryIO, filename: str, size: int) -> Iterator[OpenedFeed]:
    """The feed's content as a binary stream, decompressed when it is a .gz or a one-file .zip."""
    magic = raw.read(4)
    raw.seek(0)
    if not magic:
        raise FeedRefused(_("The file is empty."))
    if magic.startswith(GZIP_MAGIC):
        counting = CountingReader(raw)
        inner = BoundedReader(gzip.GzipFile(fileobj=counting, mode="rb"), lambda: counting.count, "gzip")
        name = filename.removesuffix(".gz").removesuffix(".gzip")
        opened = OpenedFeed(io.BufferedReader(inner, BLOCK_CHARS), name, "gzip", lambda: (counting.count, size))
    elif magic == ZIP_MAGIC:
        opened = _open_zip(raw, size)
    else:
        counting = CountingReader(raw)
        opened = OpenedFeed(io.BufferedReader(counting, BLOCK_CHARS), filename, "", lambda: (counting.count, size))
    if opened.compression and opened.binary.peek(4)[:4].startswith((GZIP_MAGIC, ZIP_MAGIC)):
        raise FeedRefused(_("The archive holds another archive; send the list itself, compressed once."))
    try:
        yield opened
    finally:
        opened.binary.close()


def _open_zip(raw: BinaryIO, size: int) -> OpenedFeed:
    try:
        archive = zipfile.ZipFile(raw)
        members = [info for info in archive.infolist() if not info.is_dir() and not info.filename.startswith(
            "__MACOSX/") and not info.filename.rsplit("/", 1)[-1].startswith(".")]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise FeedRefused(_("The zip file is truncated or corrupt (%(reason)s); nothing was imported.")
                          % {"reason": str(error)[:200]}) from error
    if len(members) != 1:
        raise FeedRefused(_("The zip file holds %(count)d files; send one list per file.") % {"count": len(members)})
    info = members[0]
    if info.flag_bits & 0x1:
        raise FeedRefused(_("The zip file is password-protected; send it unencrypted."))
    if info.file_size > MAX_EXPANDED_BYTES or (
            info.file_size > RATIO_GRACE_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size)):
        raise FeedRefused(_("The zip file expands to more than %(limit)d MB or %(ratio)d times its size: refused "
                            "as a possible decompression bomb.") % {"limit": MAX_EXPANDED_BYTES >> 20,
                                                                    "ratio": MAX_RATIO})
    try:
        member = archive.open(info)
    except (zipfile.BadZipFile, NotImplementedError, OSError) as error:
        raise FeedRefused(_("The zip file cannot be read (%(reason)s).") % {"reason": str(error)[:200]}) from error
    inner = BoundedReader(member, lambda: info.compress_size, "zip")
    return OpenedFeed(io.BufferedReader(inner, BLOCK_CHARS), info.filename, "zip",
                      lambda: (min(size, inner.count * size // max(1, info.file_size)), size))


class TextSource:
    """The decoded text of the feed, with its first characters already read for format detection."""

    def __init__(self, binary: io.BufferedReader):
        start = binary.peek(4)[:4]
        if start.startswith(UTF16_BOMS):
            self._text: IO[str] = io.TextIOWrapper(binary, encoding="utf-16", newline=None)
        else:
            encoding = "utf-8-sig" if start.startswith(b"\xef\xbb\xbf") else "utf-8"
            self._text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline=None)
        self.head = self._read(HEAD_CHARS)
        self._pending = self.head
        if TOO_LONG in self.head:
            raise FeedRefused(_("This is not a text file (it holds NUL bytes: binary data, or UTF-16 text without "
                                "its byte-order mark); send the list as UTF-8 text."))
        check_utf8(self.head, 1)

    def read(self, size: int) -> str:
        if self._pending:
            text, self._pending = self._pending[:size], self._pending[size:]
            return text
        return self._read(size)

    def _read(self, size: int) -> str:
        try:
            return self._text.read(size)
        except UnicodeError as error:
            raise FeedRefused(_("The text cannot be decoded (%(reason)s); save the list as UTF-8.")
                              % {"reason": str(error)[:200]}) from error


def check_utf8(text: str, first_line: int) -> None:
    """Refuse text that was not UTF-8 (its undecodable bytes came through as lone surrogates)."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = first_line + text.count("\n", 0, error.start)
        raise FeedRefused(_("Line %(line)d is not UTF-8 text (perhaps Windows-1258 or TCVN3); save the list as "
                            "UTF-8 and send it again.") % {"line": line}, {"line": line}) from error


@dataclass
class LineBlock:
    first_line: int
    lines: list[str]
    text: str
    too_long: int = 0
    numbers: range = field(init=False)

    def __post_init__(self) -> None:
        self.numbers = range(self.first_line, self.first_line + len(self.lines))


def line_blocks(source: TextSource, block_chars: int = BLOCK_CHARS) -> Iterator[LineBlock]:
    """The text in blocks of whole lines (``\\n``-separated, line endings normalised), numbered from 1.

    A line longer than :data:`MAX_LINE_CHARS` is replaced by :data:`TOO_LONG` so that parsers can report it
    without holding it.
    """
    line_no, carry, skipping = 1, "", False
    while data := source.read(block_chars):
        if skipping:
            cut = data.find("\n")
            if cut < 0:
                continue
            data, skipping = data[cut + 1:], False
        text = carry + data
        cut = text.rfind("\n")
        if cut < 0:
            carry = text
        else:
            carry, body = text[cut + 1:], text[:cut]
            block = _block(line_no, body)
            yield block
            line_no += len(block.lines)
        if len(carry) > MAX_LINE_CHARS:
            yield LineBlock(line_no, [TOO_LONG], "", too_long=1)
            line_no, carry, skipping = line_no + 1, "", True
    if carry:
        yield _block(line_no, carry)


def _block(first_line: int, body: str) -> LineBlock:
    if TOO_LONG in body:
        line = first_line + body.count("\n", 0, body.index(TOO_LONG))
        raise FeedRefused(_("Line %(line)d holds binary data (NUL bytes); this is not a text list.")
                          % {"line": line}, {"line": line})
    check_utf8(body, first_line)
    lines = body.split("\n")
    if max(map(len, lines)) <= MAX_LINE_CHARS:
        return LineBlock(first_line, lines, body)
    long_lines = sum(1 for line in lines if len(line) > MAX_LINE_CHARS)
    lines = [TOO_LONG if len(line) > MAX_LINE_CHARS else line for line in lines]
    return LineBlock(first_line, lines, body, too_long=long_lines)
