"""Comparing the versions real vendors write, with sort keys computed once per distinct text.

One scheme covers what advisories and inventories hold: dotted numbers (``5.3.17``, ``17.1.0.3``, Windows builds
``10.0.19045.3570``, Exchange builds ``15.02.1258.028`` and ``Version 15.2 (Build 1258.27)``), patch and update
levels written as words (Zimbra ``8.8.15 Patch 41`` = ``8.8.15_P41`` = ``8.8.15.p41``, OpenSSH ``8.9p1``, Java
``8u301``, ESXi ``7.0 Update 3``, Exchange ``CU13``), semver pre-releases (``1.0.0-alpha`` < ``1.0.0-rc.1`` <
``1.0.0``), trailing letters (OpenSSL ``1.1.1w``), Cisco trains (``15.2(7)E7``) and F5 hotfix file names
(``Hotfix-BIGIP-17.1.0.3.0.75.4-ENG.iso`` → ``17.1.0.3.0.75.4``).

A key is a tuple of ``(rank, number, word)`` items ending with :data:`END`, so plain tuple comparison orders
versions: pre-release words < the end of the version < patch/update words and unknown words < numbers. Trailing
zeros before a word or the end are dropped (``8.8`` = ``8.8.0``; ``1.0-rc1`` = ``1.0.0-rc1``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

Item = tuple[int, int, str]
Key = tuple[Item, ...]

PRE, END_RANK, POST, NUMBER = 0, 1, 2, 3
END: Item = (END_RANK, 0, "")
MAX_TEXT = 120
MAX_DIGITS = 18

PRE_RELEASE = {"dev": 0, "snapshot": 1, "alpha": 2, "a": 2, "beta": 3, "b": 3, "milestone": 4, "m": 4,
               "preview": 5, "pre": 5, "rc": 6, "cr": 6}
"""Words that come *before* the release they name (``1.0.0-rc1`` < ``1.0.0``), in their usual order."""
RELEASE_WORDS = frozenset({"ga", "final", "release", "stable", "v", "version", "ver"})
"""Words that say nothing about the order (``5.3.17.RELEASE`` = ``5.3.17``; ``v5.7.3`` = ``5.7.3``)."""
POST_RELEASE = {"p": "patch", "pl": "patch", "patch": "patch", "patchlevel": "patch", "sp": "sp",
                "servicepack": "sp", "u": "update", "upd": "update", "update": "update", "hf": "hotfix",
                "hotfix": "hotfix", "cu": "cu", "su": "su", "build": "build", "bld": "build", "fp": "fixpack",
                "fixpack": "fixpack", "r": "r", "rev": "r", "revision": "r"}
"""Words that come *after* the release they follow (``8.8.15 Patch 41`` > ``8.8.15``), by their one spelling."""
AMBIGUOUS_LETTERS = frozenset({"a", "b", "m", "p", "u", "r"})
"""Single letters that are a qualifier only when a number follows (``1.0a1`` alpha, ``8u301``); alone at the end
they are a letter release (OpenSSL ``1.1.1a`` > ``1.1.1``)."""

TOKEN = re.compile(r"\d+|[a-z]+")
EXCHANGE_BUILD = re.compile(r"version\s+(\d+)\.(\d+)\s*\(build\s+(\d+)\.(\d+)\)")
F5_HOTFIX = re.compile(r"hotfix-bigip-([\d.]+\d)")
FILE_SUFFIX = re.compile(r"(?:-eng)?\.(?:iso|rpm|zip|exe|msi|tar\.gz|tgz|deb)$")
LINK = re.compile(r"://|^www\.|\baka\.ms/")
WILDCARDS = frozenset({"", "*", "-", "n/a", "na", "unspecified", "all", "any", "all versions"})


class VersionError(ValueError):
    """A text that cannot be ordered as a version (a link, no digit at all, too long)."""


def is_wildcard(text: str | None) -> bool:
    """``*``, ``-``, empty and "all": no constraint (CPE's ANY and NA, CVE 5's ``lessThan: "*"``)."""
    return text is None or text.strip().lower() in WILDCARDS


@functools.lru_cache(maxsize=200_000)
def version_key(text: str) -> Key:
    """The sort key of ``text``; raises :class:`VersionError` when it is not a version one can order."""
    tokens = _tokens(_clean(text))
    if not any(token.isdigit() for _separator, token in tokens):
        raise VersionError(text)
    return (*_strip_zeros(_items(tokens)), END)


def try_key(text: str) -> Key | None:
    try:
        return version_key(text)
    except VersionError:
        return None


def problem_of(text: str) -> str:
    """Why ``text`` is not a version (empty when it is one)."""
    if LINK.search(text.strip().lower()):
        return "a link, not a version"
    if len(text.strip()) > MAX_TEXT:
        return "longer than a version can be"
    return "" if try_key(text) is not None else "no version number in it"


def _clean(text: str) -> str:
    value = text.strip().lower()
    if len(value) > MAX_TEXT or LINK.search(value):
        raise VersionError(text)
    if found := EXCHANGE_BUILD.search(value):  # Exchange's own "Version 15.2 (Build 1258.27)"
        return ".".join(found.groups())
    if found := F5_HOTFIX.search(value):  # F5 hotfix image names: the base version and the hotfix build
        return found.group(1)
    value = FILE_SUFFIX.sub("", value).rstrip("+")  # "5.3.18+" (Spring's "this and later" mark)
    return value.split("+", 1)[0]  # semver build metadata does not order


def _tokens(value: str) -> list[tuple[str, str]]:
    """``(separator before it, token)`` pairs; product words and "v"/"version" before the first number dropped."""
    pairs = []
    position = 0
    for match in TOKEN.finditer(value):
        pairs.append((value[position:match.start()][-1:], match.group()))
        position = match.end()
    while pairs and not pairs[0][1].isdigit() and pairs[0][1] not in LEADING_QUALIFIERS:
        pairs.pop(0)
    return pairs


LEADING_QUALIFIERS = frozenset({"cu", "su", "sp", "patch", "update", "hotfix", "build"})
"""Words a version may start with (Exchange ``CU13 SU3``, ``SP1``); any other leading word is a name."""


def _items(tokens: list[tuple[str, str]]) -> list[Item]:
    items: list[Item] = []
    for index, (separator, token) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if token.isdigit():
            items.append((NUMBER, int(token[-MAX_DIGITS:]), ""))
        elif token not in RELEASE_WORDS:
            items.append(_word(token, following, separator))
    return items


def _word(token: str, following: str, separator: str) -> Item:
    numbered = following.isdigit()
    if token in AMBIGUOUS_LETTERS and not numbered:
        return (POST, 1, token)  # a letter release: 1.1.1a
    if token in PRE_RELEASE:
        return (PRE, PRE_RELEASE[token], "")
    if token in POST_RELEASE:
        return (POST, 0, POST_RELEASE[token])
    if separator == "-" and not numbered and token.isalpha() and len(token) > 1:
        return (PRE, 9, token)  # semver: any other "-word" is a pre-release too (1.0.0-x < 1.0.0)
    return (POST, 1, token)


def _strip_zeros(items: list[Item]) -> list[Item]:
    """Drop zero numbers right before a word or the end: 8.8 = 8.8.0, 1.0-rc1 = 1.0.0-rc1."""
    result: list[Item] = []
    for item in items:
        if item[0] != NUMBER:
            _drop_trailing_zeros(result)
        result.append(item)
    _drop_trailing_zeros(result)
    return result


def _drop_trailing_zeros(items: list[Item]) -> None:
    while len(items) > 1 and items[-1] == (NUMBER, 0, "") and items[-2][0] == NUMBER:
        items.pop()


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as ``left`` is older than, the same as or newer than ``right``."""
    a, b = version_key(left), version_key(right)
    return (a > b) - (a < b)


@dataclass(frozen=True, slots=True)
class Range:
    """The versions a rule speaks of: one exact version, or a range with either end open or closed.

    No bound at all means every version (CVE 5 ``version: "*"``, a CPE with ``*`` and no range).
    """

    exact: Key | None = None
    start: Key | None = None
    start_inclusive: bool = True
    end: Key | None = None
    end_inclusive: bool = False

    @property
    def unbounded(self) -> bool:
        return self.exact is None and self.start is None and self.end is None

    def contains(self, key: Key) -> bool:
        if self.exact is not None:
            return key == self.exact
        if self.start is not None and (key < self.start or (key == self.start and not self.start_inclusive)):
            return False
        return self.end is None or key < self.end or (key == self.end and self.end_inclusive)


def prefix_range(prefix: str) -> Range:
    """``5.3.x`` / ``5.3.*``: every version of the ``5.3`` branch (from 5.3 up to, not including, 5.4)."""
    numbers = [int(part) for part in re.findall(r"\d+", prefix)[:8]]
    if not numbers:
        raise VersionError(prefix)
    start = ".".join(map(str, numbers))
    end = ".".join(map(str, [*numbers[:-1], numbers[-1] + 1]))
    return Range(start=version_key(start), end=version_key(end))


def describe(exact: str = "", start: str = "", start_inclusive: bool = True, end: str = "",
             end_inclusive: bool = False) -> str:
    """A range as people write it: ``= 8.8.15 p3``, ``>= 17.1.0, <= 17.1.1``, ``< 8.8.15 Patch 41``, ``all``."""
    if exact:
        return f"= {exact}"
    parts = []
    if start:
        parts.append(f"{'>=' if start_inclusive else '>'} {start}")
    if end:
        parts.append(f"{'<=' if end_inclusive else '<'} {end}")
    return ", ".join(parts) or "all versions"
