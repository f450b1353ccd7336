"""What a failed import reports: every bad row with its row number, column and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError

MAX_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    """``row`` is the row number a spreadsheet shows (the header is row 1); ``None`` for the file as a whole."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportFailed(Exception):
    """The file was refused; nothing was written. ``errors`` lists the first problems, ``more`` counts the rest."""

    def __init__(self, errors: list[RowError], more: int = 0):
        self.errors = errors
        self.more = more
        first = errors[0] if errors else RowError(None, "", "")
        super().__init__(first.message if len(errors) == 1 and not more else
                         f"{len(errors) + more} problems, the first: {first.message}")

    def as_dict(self) -> dict[str, Any]:
        return {"errors": [error.as_dict() for error in self.errors], "more": self.more,
                "count": len(self.errors) + self.more}


def file_error(message: str) -> ImportFailed:
    return ImportFailed([RowError(None, "", message)])


class ErrorList:
    """Collects row errors up to :data:`MAX_ERRORS` and counts the rest, so a hopeless file stays cheap."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.more = 0

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, str(message)))
        else:
            self.more += 1

    def add_validation(self, row: int, error: ValidationError, column_of: dict[str, str]) -> None:
        """A model ``ValidationError``: each field's messages under that field's column as written in the file."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add(row, "", message)
            return
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                self.add(row, column_of.get(field, field if field != "__all__" else ""), message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors, self.more)
