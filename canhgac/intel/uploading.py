"""Uploads from the console and the API: the files, one import job each (``services.import_feed``).

Both ask for the column mapping as the CLI's ``--column`` does, ``FIELD=HEADER`` per entry, and get the same
refusals, naming the entry at fault.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from canhgac.core.models import Channel, Job
from canhgac.intel.parsers.delimited import FIELDS
from canhgac.intel.services import import_feed


def parse_columns(entries: Iterable[str]) -> dict[str, str]:
    """``["ip=src_ip", "family=malware"]`` → ``{"ip": "src_ip", "family": "malware"}``; blank entries skipped."""
    columns: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not entry.strip():
            continue
        name, _sep, header = (part.strip() for part in entry.partition("="))
        if name not in FIELDS or not header:
            raise ValidationError(_("Column mapping %(number)d (“%(entry)s”): write FIELD=HEADER, FIELD one of "
                                    "%(fields)s.") % {"number": number, "entry": entry.strip()[:80],
                                                      "fields": ", ".join(FIELDS)})
        if name in columns:
            raise ValidationError(_("Column mapping %(number)d: the field “%(field)s” is mapped twice.")
                                  % {"number": number, "field": name})
        columns[name] = header[:120]
    return columns


def start_feed_imports(files: Iterable[tuple[str, bytes | IO[bytes]]], user: Any, *, source: str, reference: str,
                       period: str, format_name: str = "", columns: dict[str, str] | None = None,
                       channel: str = Channel.UI) -> list[Job]:
    """One background import job per file, all queued or none (a refused request queues nothing)."""
    with transaction.atomic():
        return [import_feed(content, source, reference, period, user, filename=name, format_name=format_name,
                            columns=columns or {}, channel=channel) for name, content in files]
