"""What a letter says, independent of how it is laid out: the parts of an administrative letter (công văn) that
Decree 30/2020/NĐ-CP names, filled in by whichever app writes one (directives, later warnings and reports).

The letterhead comes from the deployment's ``Operator`` (:func:`letterhead_of_operator`): bodies are renamed in
reorganisations, so no name of a body is ever written in code.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field


def nfc(text: str) -> str:
    """Vietnamese text in composed form (TCVN 6909:2001 asks for Unicode; Word and fonts expect precomposed
    letters: a decomposed "ệ" prints its marks misplaced in some fonts and breaks search in the PDF)."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Letterhead:
    governing_body: str
    """The body above the issuer ("UBND TỈNH LAM SƠN"); empty for a body that has none."""
    issuing_body: str
    """The issuer ("SỞ KHOA HỌC VÀ CÔNG NGHỆ")."""
    place: str
    """The place name of the date line ("Lam Sơn")."""


@dataclass(frozen=True)
class Signature:
    authority: str = ""
    """Quyền hạn: "KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC" …; empty when the head signs in their own name."""
    title: str = ""
    """Chức vụ: "PHÓ GIÁM ĐỐC"."""
    name: str = ""


@dataclass(frozen=True)
class LetterItem:
    """A numbered item of the body: its text and lettered sub-items (a), b) …)."""

    text: str
    children: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterTable:
    """A table in the body (a report's figures): a header row and rows of cells, all text."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    widths: tuple[float, ...] = ()
    """Column widths in centimetres (together at most the 16.5 cm between the margins); empty: equal columns."""


@dataclass(frozen=True)
class LetterContent:
    letterhead: Letterhead
    number: str
    """Số, ký hiệu, without "Số:": "125/SKHCN-CNTT". Empty leaves the number blank for the clerk to fill in."""
    date: datetime.date
    subject: str
    """Trích yếu without "V/v": "tăng cường bảo đảm an toàn thông tin mạng dịp nghỉ lễ 30/4 và 1/5"."""
    recipients: tuple[str, ...]
    """The "Kính gửi" list."""
    opening: tuple[str, ...] = ()
    items: tuple[LetterItem, ...] = ()
    closing: tuple[str, ...] = ()
    tables: tuple[LetterTable, ...] = ()
    copies: tuple[str, ...] = ()
    """Nơi nhận, besides the addressees ("Như trên" is added first) and the archive ("Lưu: VT", added last)."""
    archive: str = "VT"
    signature: Signature = field(default_factory=Signature)


def letter_date(place: str, date: datetime.date) -> str:
    """ "Lam Sơn, ngày 05 tháng 02 năm 2026": the decree writes a day below 10 and a month below 3 with a
    leading zero (so "ngày 1 tháng 2" cannot be altered into "ngày 11 tháng 12"), other numbers as they are."""
    day = f"{date.day:02d}" if date.day < 10 else str(date.day)
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return nfc(f"{place}, ngày {day} tháng {month} năm {date.year}")


def short_date(date: datetime.date) -> str:
    """ "18/4/2022", as letters cite other letters."""
    return f"{date.day}/{date.month}/{date.year}"


def listed(lines: tuple[str, ...] | list[str]) -> list[str]:
    """Lines of a list in a letter: each ends with ";" and the last with "." (trailing punctuation replaced)."""
    cleaned = [nfc(line.strip().rstrip(";.,").strip()) for line in lines if line.strip()]
    return [line + (";" if position < len(cleaned) - 1 else ".") for position, line in enumerate(cleaned)]


def archive_of(number: str) -> str:
    """ "Lưu" of Nơi nhận as Decree 30 writes it: the office's archive (VT) and the drafting unit, whose abbreviation
    follows the issuer's in the symbol ("125/SKHCN-CNTT" → "VT, CNTT"); "VT" alone when the symbol names none."""
    symbol = number.rpartition("/")[2]
    drafter = symbol.partition("-")[2].strip(" -")
    return f"VT, {nfc(drafter)}" if drafter else "VT"
