"""CSV/TSV lists with a header row: the IP column and the extra columns (family, port, C2, timestamp, ASN) are
found by their names, in English or Vietnamese, with or without diacritics; ``--column ip=dst_ip`` overrides.

The header may also sit in the last comment line above the data (``# Format: report|ip|asn|…``, ``; ip, asn, …``),
as Team Cymru and Spamhaus write it. The delimiter is the one of ``,`` ``TAB`` ``;`` ``|`` the header uses most.
Columns that are not mapped are kept, by header, with each listing.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.intel.parsers import register
from canhgac.intel.parsers.base import MAX_EXTRA_FIELDS, Chunk, Extra, FeedParser, Invalid, clip
from canhgac.intel.parsers.plain import too_long
from canhgac.intel.reading import TOO_LONG, FeedRefused, LineBlock, TextSource, line_blocks

DELIMITERS = (",", "\t", ";", "|")
FIELDS = ("ip", "family", "port", "c2", "asn", "seen")


def normalise(header: str) -> str:
    """``"Địa chỉ IP"`` → ``dia_chi_ip``: lower case, no diacritics, words joined by ``_``."""
    text = unicodedata.normalize("NFKD", header.strip().strip('"').replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


class Layout:
    """Where the header is, how cells are separated, and which cell holds which field."""

    def __init__(self, headers: list[str], header_line: int | None, delimiter: str, columns: dict[str, int]):
        self.headers = headers
        self.header_line = header_line
        self.delimiter = delimiter
        self.columns = columns
        self.other = [index for index in range(len(headers)) if index not in columns.values()]


@register
class DelimitedParser(FeedParser):
    name = "csv"
    label = gettext_lazy("CSV/TSV with a header row")
    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "ip": ("ip", "ip_address", "ipaddress", "ipaddr", "ip_addr", "src_ip", "source_ip", "srcip", "dst_ip",
               "address", "addr", "host", "ipv4", "ipv6", "indicator", "ioc", "dia_chi_ip", "dia_chi"),
        "family": ("family", "malware_family", "malware", "infection", "botnet", "botname", "bot_name", "threat",
                   "threat_name", "ma_doc", "ten_ma_doc", "loai_ma_doc", "category", "report", "type", "tag"),
        "port": ("port", "dst_port", "src_port", "dest_port", "destination_port", "source_port", "cong"),
        "c2": ("c2", "c2_ip", "c2_server", "c2_domain", "cc", "cc_ip", "cc_dns", "cnc", "cnc_ip", "c_c",
               "may_chu_c2", "may_chu_dieu_khien"),
        "asn": ("asn", "as", "src_asn", "as_number", "asnumber"),
        "seen": ("timestamp", "time", "datetime", "date", "first_seen", "first_seen_utc", "firstseen", "last_seen",
                 "lastseen", "last_online", "seen", "thoi_gian", "thoi_gian_phat_hien", "ngay", "ngay_phat_hien"),
    }

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        layout = cls.find_layout(head, {})
        if layout is None:
            return 0
        bonus = 10 if filename.endswith((".csv", ".tsv", ".txt")) else 0
        return (60 if layout.header_line else 45) + bonus

    @classmethod
    def find_layout(cls, head: str, overrides: dict[str, str]) -> Layout | None:
        comment = None
        for number, line in enumerate(head.split("\n")[:-1] or head.split("\n"), start=1):
            text = line.strip()
            if not text:
                continue
            if text.startswith(("#", ";")):
                comment = re.sub(r"^[#;\s]*(format\s*:)?\s*", "", text, flags=re.IGNORECASE)
                continue
            for candidate, line_no in ((text, number), (comment, None)):
                layout = cls.layout_of(candidate, line_no, overrides) if candidate else None
                if layout is not None:
                    return layout
            return None
        return None

    @classmethod
    def layout_of(cls, text: str, line_no: int | None, overrides: dict[str, str]) -> Layout | None:
        delimiter = max(DELIMITERS, key=text.count)
        if not text.count(delimiter):
            return None
        headers = [cell.strip() for cell in next(csv.reader([text], delimiter=delimiter))]
        names = [normalise(header) for header in headers]
        columns: dict[str, int] = {}
        for field in FIELDS:
            wanted = (normalise(overrides[field]),) if field in overrides else cls.COLUMNS[field]
            found = next((names.index(name) for name in wanted if name in names and names.index(name) not in
                          columns.values()), None)
            if found is not None:
                columns[field] = found
        return Layout(headers, line_no, delimiter, columns) if "ip" in columns else None

    def chunks(self, source: TextSource) -> Iterator[Chunk]:
        layout = self.find_layout(source.head, self.options)
        if layout is None:
            raise FeedRefused(self._no_layout_message(source.head))
        self.layout = layout
        self.metadata["columns"] = {field: layout.headers[index] for field, index in layout.columns.items()}
        for block in line_blocks(source):
            yield self.parse_block(block)

    def _no_layout_message(self, head: str) -> str:
        if "ip" in self.options:
            return _("No column is named “%(name)s”; name the IP column as the header writes it.") % {
                "name": self.options["ip"][:60]}
        return _("No header row naming an IP column (ip, src_ip, dst_ip, address, “địa chỉ IP”, …) was found; "
                 "name it with --column ip=HEADER.")

    def parse_block(self, block: LineBlock) -> Chunk:
        texts: list[str] = []
        lines: list[int] = []
        rows: list[list[str]] = []
        invalid: list[Invalid] = []
        skipped = 0
        source_lines = block.lines
        if block.too_long:
            invalid += [too_long(number) for number, line in zip(block.numbers, block.lines, strict=True)
                        if line == TOO_LONG]
            source_lines = ["" if line == TOO_LONG else line for line in block.lines]
        ip, header_line = self.layout.columns["ip"], self.layout.header_line
        reader = csv.reader(source_lines, delimiter=self.layout.delimiter)
        try:
            for row in reader:
                number = block.first_line + reader.line_num - 1
                if not row or not "".join(row).strip() or row[0].lstrip().startswith(("#", ";")) \
                        or number == header_line:
                    skipped += 1
                elif len(row) <= ip:
                    invalid.append(Invalid(number, _("the row has no cell in the IP column"),
                                           self.layout.delimiter.join(row)))
                else:
                    texts.append(row[ip].strip())
                    lines.append(number)
                    rows.append(row)
        except csv.Error as error:
            line = block.first_line + reader.line_num - 1
            raise FeedRefused(_("Line %(line)d cannot be read as CSV: %(reason)s.") % {"line": line,
                                                                                       "reason": error}) from error
        return Chunk(texts, lines, rows, invalid, skipped, records=len(block.lines))

    def extra_of(self, row: Any) -> Extra:
        columns, width = self.layout.columns, len(row)

        def cell(field: str) -> str:
            index = columns.get(field)
            return clip(row[index]) if index is not None and index < width else ""

        other = {self.layout.headers[index]: clip(row[index]) for index in self.layout.other[:MAX_EXTRA_FIELDS]
                 if index < width and row[index].strip()}
        return Extra(cell("family"), cell("port"), cell("c2"), cell("asn"), cell("seen"), other or None)
