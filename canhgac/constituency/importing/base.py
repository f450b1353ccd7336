"""What every kind's import shares: turning a row's text into a validated model instance, and the plan of writes.

A kind (units, contacts, …) subclasses :class:`KindImport`: it declares its columns, loads what already exists
once (dicts keyed by the natural key, so 50,000 rows cost no query each), plans each row, checks what spans
rows (parents, overlapping blocks), and writes the plan in bulk.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from canhgac.constituency.importing.columns import Column, HeaderMap, choice_lookup, parse_bool, parse_choice
from canhgac.constituency.importing.errors import ErrorList
from canhgac.constituency.models import Unit
from canhgac.core.audit import snapshot


@dataclass
class Planned:
    """One row's object: ``before`` is its audited state when loaded (``None`` when the row creates it)."""

    row: int
    instance: Any
    before: dict[str, Any] | None
    extra: dict[str, Any] | None = None
    changed: bool = True


class KindImport:
    kind: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]]
    choices: ClassVar[dict[str, tuple[Any, dict[str, Any]]]] = {}
    """Choice columns: field → (choices, extra Vietnamese/English spellings)."""
    booleans: ClassVar[tuple[str, ...]] = ()
    not_fields: ClassVar[tuple[str, ...]] = ()
    """Columns that are not plain model fields (a unit code, the software list); the kind handles them."""

    def __init__(self, mapping: HeaderMap, errors: ErrorList, scope: frozenset[int] | None):
        self.mapping, self.errors, self.scope = mapping, errors, scope
        self.lookups = {name: choice_lookup(choices, extra) for name, (choices, extra) in self.choices.items()}
        self.seen: dict[Hashable, int] = {}
        self.units: dict[str, Unit] = {}

    # -- what a kind provides -------------------------------------------------------------------------------
    def load(self) -> None:
        self.units = {unit.code: unit for unit in Unit.objects.all()}

    def plan(self, row: int, values: dict[str, str]) -> Planned | None:
        raise NotImplementedError

    def check(self, plans: list[Planned]) -> None:
        """Rules across rows, run once every row is planned."""

    def write(self, plans: list[Planned]) -> None:
        raise NotImplementedError

    # -- shared steps ---------------------------------------------------------------------------------------
    def column(self, name: str) -> str:
        """The header of ``name`` as the user wrote it (or our Vietnamese header if the file has none)."""
        written = self.mapping.written.get(name)
        return written or next((c.vi for c in self.columns if c.name == name), name)

    def error(self, row: int, name: str, message: str) -> None:
        self.errors.add(row, self.column(name), message)

    def is_duplicate(self, row: int, key: Hashable, name: str) -> bool:
        first = self.seen.setdefault(key, row)
        if first != row:
            self.error(row, name, _("Duplicate of row %(row)d.") % {"row": first})
            return True
        return False

    def unit_of(self, row: int, code: str, name: str = "unit") -> Unit | None:
        unit = self.units.get(code)
        if unit is None:
            self.error(row, name, _("No unit has the code “%(code)s”.") % {"code": code[:60]})
        elif self.scope is not None and unit.pk not in self.scope:
            self.error(row, name, _("You may only place objects in your own units."))
            return None
        return unit

    def fill(self, row: int, instance: models.Model, values: dict[str, str]) -> set[str]:
        """Copy the file's cells onto ``instance``; an empty yes/no or choice cell means the model's default.

        Returns the fields whose cell could not be read (already reported), so validation skips them.
        """
        failed = set()
        for name, text in values.items():
            if name in self.not_fields:
                continue
            try:
                setattr(instance, name, self._value(name, text))
            except ValueError as error:
                self.error(row, name, str(error))
                failed.add(name)
        return failed

    def _value(self, name: str, text: str) -> Any:
        if (name in self.booleans or name in self.choices) and not text:
            return cast(models.Field, self.model._meta.get_field(name)).get_default()
        if name in self.booleans:
            return parse_bool(text)
        if name in self.choices:
            return parse_choice(text, self.lookups[name], self.choices[name][0])
        return text

    def validate(self, row: int, instance: models.Model, skip: set[str]) -> bool:
        """The model's field rules (lengths, formats, choices); relations and uniqueness are checked in memory."""
        try:
            instance.clean_fields(exclude=[*skip, *self.relations()])
        except ValidationError as error:
            self.errors.add_validation(row, error, {**self.mapping.written, "__all__": ""})
            return False
        return True

    def relations(self) -> list[str]:
        return [field.name for field in self.model._meta.concrete_fields if field.is_relation]

    def planned(self, row: int, instance: Any, before: dict[str, Any] | None,
                extra: dict[str, Any] | None = None) -> Planned:
        changed = before is None or snapshot(instance, extra) != before
        return Planned(row, instance, before, extra, changed)
