"""Column headers in Vietnamese or English, and the cell values every kind shares (yes/no, choices).

Headers are matched case- and diacritic-insensitively ("Mã đơn vị", "ma don vi", "MA_DON_VI" and "code" are the
same column), so a sheet typed by hand on a keyboard without Vietnamese input still imports. A header that
matches nothing is an error rather than silently ignored: a typo'd column would otherwise drop its data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _

from canhgac.constituency.importing.errors import ErrorList

# OWASP CSV injection: a cell starting with these is a formula to a spreadsheet. Our export prefixes such cells
# with an apostrophe (which spreadsheets hide); the import takes exactly that apostrophe off again.
ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")

YES = frozenset({"co", "x", "yes", "y", "true", "1", "dung", "v"})
NO = frozenset({"khong", "no", "n", "false", "0", "sai", ""})


def fold(text: str) -> str:
    """Lower case, no diacritics, words joined by single spaces: the form headers and labels are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


@dataclass(frozen=True)
class Column:
    """One column of a kind's file: the model field it fills, its headers in both languages and other names."""

    name: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header(self, language: str) -> str:
        return self.vi if language == "vi" else self.en

    def names(self) -> set[str]:
        return {fold(text) for text in (self.name, self.vi, self.en, *self.aliases)}


@dataclass
class HeaderMap:
    """Which cell of a row holds which column, and the header text the user wrote for it."""

    index: dict[str, int] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.index

    def values(self, cells: Sequence[str]) -> dict[str, str]:
        return {name: unescape(cells[i]) if i < len(cells) else "" for name, i in self.index.items()}


def map_headers(headers: list[str], columns: Iterable[Column]) -> HeaderMap:
    """Match the file's header row to ``columns``; unknown, repeated or missing columns refuse the whole file."""
    by_name = {alias: column for column in columns for alias in column.names()}
    mapping, errors = HeaderMap(), ErrorList()
    for position, header in enumerate(headers):
        column = by_name.get(fold(unescape(header)))
        if column is None:
            errors.add(1, header, _("Unknown column “%(header)s”. Known columns: %(known)s.")
                       % {"header": header[:80], "known": ", ".join(_known(columns))})
        elif column.name in mapping:
            errors.add(1, header, _("Column “%(header)s” repeats “%(first)s”.")
                       % {"header": header[:80], "first": mapping.written[column.name]})
        else:
            mapping.index[column.name], mapping.written[column.name] = position, header
    for column in columns:
        if column.required and column.name not in mapping:
            errors.add(1, column.vi, _("The required column “%(vi)s” (“%(en)s”) is missing.")
                       % {"vi": column.vi, "en": column.en})
    errors.raise_if_any()
    return mapping


def _known(columns: Iterable[Column]) -> list[str]:
    return [f"{column.vi} / {column.en}" for column in columns]


def unescape(text: str) -> str:
    return text[1:] if ESCAPED_FORMULA.match(text) else text


def escape(text: str) -> str:
    return "'" + text if NEEDS_ESCAPE.match(text) else text


def parse_bool(text: str) -> bool:
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(_("“%(value)s” is not yes or no (có/không, x, yes/no, true/false, 1/0).")
                     % {"value": text[:40]})


def format_bool(value: bool, language: str) -> str:
    if language == "vi":
        return "có" if value else "không"
    return "yes" if value else "no"


def choice_lookup(choices: type[Choices], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Every accepted spelling of each choice (its value, its label in English and Vietnamese) → the value."""
    lookup = {fold(alias): value for alias, value in (extra or {}).items()}
    for language in ("en", "vi"):
        with translation.override(language):
            lookup.update({fold(str(label)): value for value, label in choices.choices})
    lookup.update({fold(value): value for value in choices.values})
    return lookup


def parse_choice(text: str, lookup: dict[str, str], choices: type[Choices]) -> str:
    try:
        return lookup[fold(text)]
    except KeyError:
        raise ValueError(_("“%(value)s” is not one of: %(choices)s.")
                         % {"value": text[:60], "choices": ", ".join(choices.values)}) from None


def format_choice(value: str, choices: type[Choices], language: str) -> str:
    with translation.override(language):
        return str(dict(choices.choices).get(value, value))

