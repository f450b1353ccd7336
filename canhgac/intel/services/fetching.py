"""Fetching a feed over HTTP for a scheduled pull: HTTPS only (unless the source allows plain HTTP), timeouts, a
size cap counted on the decoded bytes, conditional GET (ETag, Last-Modified) and a User-Agent naming us.

Redirects are followed by hand (at most :data:`MAX_REDIRECTS`) so that each hop is checked like the first: an
HTTPS address may not hand the pull over to plain HTTP. A ``Content-Encoding: gzip`` body is decompressed here with
a bound on the output of every step (httpx's own decoder expands each chunk whole, and a small chunk of a gzip bomb
expands a thousandfold); a body that *is* a .gz or .zip file is left as it is for the import's own bounded reader.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import unquote, urljoin, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from canhgac import __version__

TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""Connecting may take 10 s, and each read of the body 60 s (a slow national server is normal; a dead one is not)."""
MAX_REDIRECTS = 5
DECODE_STEP = 1 << 20


class PullRefused(Exception):
    """The pull got nothing usable (unreachable, an error status, too large, a scheme not allowed…): the message
    says why, for the SOC; nothing was imported."""


@dataclass
class Download:
    """What a GET brought: ``content`` is ``None`` when the server answered 304 Not Modified."""

    url: str
    content: bytes | None
    etag: str = ""
    last_modified: str = ""

    @property
    def filename(self) -> str:
        name = unquote(urlsplit(self.url).path.rstrip("/").rpartition("/")[2])
        return name[:200] or urlsplit(self.url).hostname or "feed"


def user_agent() -> str:
    """Who is asking, and whom to write to when we ask too often (the operator's sender address)."""
    contact = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"CanhGac/{__version__} (threat feed pull; contact: {contact})" if contact else f"CanhGac/{__version__}"


def new_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": user_agent()})


def check_url(url: str, allow_http: bool) -> None:
    parts = urlsplit(url)
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise PullRefused(_("Only HTTPS addresses are pulled unless the source allows plain HTTP: “%(url)s”.")
                          % {"url": url[:200]})


def fetch(client: httpx.Client, url: str, *, limit: int, allow_http: bool = False, etag: str = "",
          last_modified: str = "") -> Download:
    """GET ``url`` (conditionally when ``etag`` or ``last_modified`` are known); at most ``limit`` decoded bytes."""
    headers = {"Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(url, allow_http)
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                return _received(response, url, limit)
        except httpx.TimeoutException as error:
            raise PullRefused(_("%(url)s did not answer in time (%(error)s).")
                              % {"url": url[:200], "error": type(error).__name__}) from error
        except httpx.HTTPError as error:
            raise PullRefused(_("%(url)s could not be fetched: %(error)s.")
                              % {"url": url[:200], "error": str(error)[:300] or type(error).__name__}) from error
    raise PullRefused(_("%(url)s redirects more than %(count)d times.") % {"url": url[:200], "count": MAX_REDIRECTS})


def _received(response: httpx.Response, url: str, limit: int) -> Download:
    validators = {"etag": response.headers.get("etag", "")[:255],
                  "last_modified": response.headers.get("last-modified", "")[:64]}
    if response.status_code == httpx.codes.NOT_MODIFIED:
        return Download(url, None, **validators)
    if response.status_code != httpx.codes.OK:
        raise PullRefused(_("%(url)s answered %(status)d %(reason)s.")
                          % {"url": url[:200], "status": response.status_code, "reason": response.reason_phrase})
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(url, limit)
    body = bytearray()
    for piece in _decoded(response, url, limit):
        body += piece
        if len(body) > limit:
            raise _too_large(url, limit)
    return Download(url, bytes(body), **validators)


def _decoded(response: httpx.Response, url: str, limit: int) -> Iterator[bytes]:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise PullRefused(_("%(url)s sent the body in an encoding we did not ask for (%(encoding)s).")
                          % {"url": url[:200], "encoding": encoding[:40]})
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header, recognised
    produced = 0
    try:
        for chunk in response.iter_raw():
            data = chunk
            while data:
                piece = decoder.decompress(data, DECODE_STEP)
                produced += len(piece)
                if produced > limit:
                    raise _too_large(url, limit)
                yield piece
                data = decoder.unconsumed_tail
        yield decoder.flush()
    except zlib.error as error:
        raise PullRefused(_("%(url)s sent a corrupt compressed body (%(error)s).")
                          % {"url": url[:200], "error": str(error)[:200]}) from error


def _too_large(url: str, limit: int) -> PullRefused:
    return PullRefused(_("%(url)s sent more than %(limit)d MB (CANHGAC_MAX_UPLOAD_MB); nothing was imported.")
                       % {"url": url[:200], "limit": limit >> 20})
