"""MISP feeds (MISP's "feed" format: ``manifest.json`` naming the events, and one ``<uuid>.json`` per event), from a
URL (a source's scheduled pull), a local directory or a zip of one.

Each event listed in the manifest becomes a batch through the ordinary import (``ingest_feed``, MISP event format),
so its addresses are matched, stored and turned into findings as any list's are, and the same event file is
recognised by its hash. :class:`~canhgac.intel.models.MispEvent` remembers each event's manifest timestamp: a
later pull imports only the events that are new or changed since. Events without any IP attribute (most of a
general OSINT feed: domains, hashes, URLs) are remembered but make no batch.

Bounds: the manifest at most :data:`MAX_MANIFEST_BYTES`, an event at most ``CANHGAC_MAX_UPLOAD_MB``, at most
:data:`MAX_EVENTS_PER_RUN` events a run (the rest the next run); a zip's members are read with their declared
and real sizes checked against the same limits and ratio as any compressed feed (``reading.py``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from canhgac.intel.models import FeedSource, MispEvent
from canhgac.intel.parsers.misp import MispParser
from canhgac.intel.reading import MAX_EXPANDED_BYTES, MAX_RATIO, RATIO_GRACE_BYTES, FeedRefused, TextSource
from canhgac.intel.services.fetching import PullRefused, fetch
from canhgac.intel.services.ingest import ingest_feed
from canhgac.intel.services.storing import BatchFile

MISP_FEED = "misp-feed"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 32 << 20
MAX_EVENTS_PER_RUN = 500
MAX_ZIP_MEMBERS = 100_000
EVENT_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
"""Manifest keys must be UUIDs: they name the files read next, so nothing else may reach a path or a URL."""


class FeedFiles(Protocol):
    def read(self, name: str, limit: int) -> bytes: ...


class DirectoryFiles:
    def __init__(self, path: Path):
        self.path = path

    def read(self, name: str, limit: int) -> bytes:
        target = self.path / name
        if not target.is_file():
            raise FeedRefused(_("%(name)s is missing from the feed directory.") % {"name": name})
        if target.stat().st_size > limit:
            raise FeedRefused(_("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": limit >> 20})
        return target.read_bytes()


class ZipFiles:
    """A zipped feed directory: the members found by their file names, whatever folder the zip put them in."""

    def __init__(self, path: Path):
        try:
            self.archive = zipfile.ZipFile(path)
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise FeedRefused(_("The zip file is truncated or corrupt (%(reason)s); nothing was imported.")
                              % {"reason": str(error)[:200]}) from error
        if len(infos) > MAX_ZIP_MEMBERS:
            raise FeedRefused(_("The zip file holds more than %(count)d files.") % {"count": MAX_ZIP_MEMBERS})
        self.members = {info.filename.rsplit("/", 1)[-1]: info for info in infos if not info.is_dir()}
        self.expanded = 0

    def close(self) -> None:
        self.archive.close()

    def read(self, name: str, limit: int) -> bytes:
        info = self.members.get(name)
        if info is None:
            raise FeedRefused(_("%(name)s is missing from the zip file.") % {"name": name})
        if info.flag_bits & 0x1:
            raise FeedRefused(_("The zip file is password-protected; send it unencrypted."))
        _check_expansion(name, info.file_size, info.compress_size, limit)
        try:
            with self.archive.open(info) as member:
                content = member.read(limit + 1)  # the declared size may lie: the real one is checked too
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
            raise FeedRefused(_("%(name)s cannot be read from the zip file (%(reason)s).")
                              % {"name": name, "reason": str(error)[:200]}) from error
        _check_expansion(name, len(content), info.compress_size, limit)
        self.expanded += len(content)
        if self.expanded > MAX_EXPANDED_BYTES:
            raise FeedRefused(_("The zip file expands to more than %(limit)d MB: refused as a possible "
                                "decompression bomb.") % {"limit": MAX_EXPANDED_BYTES >> 20})
        return content


def _check_expansion(name: str, size: int, compressed: int, limit: int) -> None:
    if size > limit or (size > RATIO_GRACE_BYTES and size > MAX_RATIO * max(1, compressed)):
        raise FeedRefused(_("%(name)s expands to more than %(limit)d MB or %(ratio)d times its size: refused as a "
                            "possible decompression bomb.") % {"name": name, "limit": limit >> 20,
                                                              "ratio": MAX_RATIO})


class HttpFiles:
    """A feed on a web server: ``base`` is its directory's URL; the manifest is fetched conditionally."""

    def __init__(self, client: httpx.Client, base: str, allow_http: bool):
        self.client, self.base, self.allow_http = client, base if base.endswith("/") else base + "/", allow_http
        self.etag = self.last_modified = ""

    def read(self, name: str, limit: int) -> bytes:
        download = fetch(self.client, urljoin(self.base, name), limit=limit, allow_http=self.allow_http)
        return download.content or b""

    def manifest_if_changed(self, etag: str, last_modified: str) -> bytes | None:
        download = fetch(self.client, urljoin(self.base, MANIFEST), limit=MAX_MANIFEST_BYTES,
                         allow_http=self.allow_http, etag=etag, last_modified=last_modified)
        self.etag, self.last_modified = download.etag, download.last_modified
        return download.content


def local_feed(path: Path) -> FeedFiles | None:
    """The MISP feed at ``path`` (a directory or zip holding ``manifest.json``), or ``None`` when it is not one."""
    if path.is_dir():
        return DirectoryFiles(path) if (path / MANIFEST).is_file() else None
    if path.is_file() and zipfile.is_zipfile(path):
        files = ZipFiles(path)
        return files if MANIFEST in files.members else None
    return None


@dataclass(frozen=True)
class ManifestEntry:
    uuid: str
    timestamp: int
    info: str


@dataclass
class MispFeedOutcome:
    events: int = 0
    imported: list[int] = field(default_factory=list)
    """Batch ids of the events imported now."""
    unchanged: int = 0
    duplicates: int = 0
    without_ips: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)
    postponed: int = 0
    retry_later: int = 0
    """Events the server failed to send this time (tried again at the next pull)."""
    invalid_entries: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "imported": len(self.imported), "batches": self.imported,
                "unchanged": self.unchanged, "duplicates": self.duplicates, "without_ips": self.without_ips,
                "refused": self.refused, "postponed": self.postponed, "retry_later": self.retry_later,
                "invalid_entries": self.invalid_entries}


def read_manifest(content: bytes) -> tuple[list[ManifestEntry], int]:
    """The manifest's events, oldest change first, and how many of its entries were unusable."""
    if len(content) > MAX_MANIFEST_BYTES:
        raise FeedRefused(_("manifest.json is larger than %(limit)d MB.") % {"limit": MAX_MANIFEST_BYTES >> 20})
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FeedRefused(_("manifest.json is not valid JSON (%(reason)s).") % {"reason": str(error)[:200]}) from error
    if not isinstance(document, dict):
        raise FeedRefused(_("manifest.json must map event UUIDs to their descriptions."))
    entries, invalid = [], 0
    for key, value in document.items():
        entry = _entry(key, value)
        if entry is None:
            invalid += 1
        else:
            entries.append(entry)
    return sorted(entries, key=lambda entry: (entry.timestamp, entry.uuid)), invalid


def _entry(key: Any, value: Any) -> ManifestEntry | None:
    if not isinstance(key, str) or not EVENT_UUID.match(key) or not isinstance(value, dict):
        return None
    try:
        timestamp = int(value.get("timestamp", 0))
    except (TypeError, ValueError):
        return None
    return ManifestEntry(key.lower(), timestamp, str(value.get("info") or "")[:255])


def import_misp_feed(files: FeedFiles, source: FeedSource, *, period: str, user: Any = None,
                     manifest: bytes | None = None, limit: int = MAX_EVENTS_PER_RUN) -> MispFeedOutcome:
    """Import the events of the feed that are new or changed since the last import from ``source``."""
    content = manifest if manifest is not None else files.read(MANIFEST, MAX_MANIFEST_BYTES)
    entries, invalid = read_manifest(content)
    known = dict(MispEvent.objects.filter(source=source).values_list("uuid", "timestamp"))
    todo = [entry for entry in entries if known.get(entry.uuid, -1) < entry.timestamp]
    outcome = MispFeedOutcome(events=len(entries), unchanged=len(entries) - len(todo),
                              postponed=max(0, len(todo) - limit), invalid_entries=invalid)
    for entry in todo[:limit]:
        _import_event(files, source, entry, period, user, outcome)
    return outcome


def _import_event(files: FeedFiles, source: FeedSource, entry: ManifestEntry, period: str, user: Any,
                  outcome: MispFeedOutcome) -> None:
    name = f"{entry.uuid}.json"
    batch_id, error = None, ""
    try:
        content = files.read(name, settings.MAX_UPLOAD_BYTES)
        if not has_ip_attributes(content):
            outcome.without_ips += 1
        else:
            received = BatchFile(name, len(content), hashlib.sha256(content).hexdigest(), "", period)
            result = ingest_feed(io.BytesIO(content), received, source, format_name="misp", user=user)
            batch_id = result.batch.pk
            if result.duplicate:
                outcome.duplicates += 1
            else:
                outcome.imported.append(batch_id)
    except PullRefused as refusal:  # the server's trouble, not the event's: tried again at the next pull
        outcome.refused.append({"uuid": entry.uuid, "error": str(refusal)})
        outcome.retry_later += 1
        return
    except FeedRefused as refusal:  # the event itself is bad: not tried again until it changes
        error = str(refusal)
        outcome.refused.append({"uuid": entry.uuid, "error": error})
    MispEvent.objects.update_or_create(source=source, uuid=entry.uuid, defaults={
        "timestamp": entry.timestamp, "info": entry.info, "batch_id": batch_id, "error": error[:2000]})


def has_ip_attributes(content: bytes) -> bool:
    """Whether the event lists any IP attribute (read with the import's own MISP parser, without matching)."""
    parser = MispParser()
    with io.BufferedReader(io.BytesIO(content)) as binary:  # type: ignore[arg-type]
        return any(chunk.texts for chunk in parser.chunks(TextSource(binary)))  # type: ignore[arg-type]
