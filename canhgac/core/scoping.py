"""Unit scoping in one place.

Every unit-owned model declares ``scope = ScopePolicy(unit_path=...)`` and uses :class:`ScopedQuerySet`.
``Model.objects.for_user(user)`` is the only way views, API routes, exports, search and reports read such
objects; an officer who guesses another unit's id gets a 404 from :func:`get_scoped_or_404`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

from canhgac.core.access import SEES_EVERYTHING, Role, role_of

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class ScopePolicy:
    unit_path: str
    """ORM path from the model to the owning unit's id, e.g. ``"unit"`` or ``"asset__unit"``; ``"pk"`` for Unit."""
    shared_when_unowned: bool = False
    """Rows with no unit (e.g. contacts of national bodies) are visible to every signed-in user."""
    officer_may_view: bool = True
    officer_may_edit: bool = False
    officer_may_delete: bool = True
    """With ``officer_may_edit``: whether editing includes deleting (not for records the SOC follows up)."""
    admin_only_write: bool = False


def visible_unit_ids(user: Any) -> frozenset[int] | None:
    """``None`` means every unit; otherwise the ids of the units (with sub-units) the user may see."""
    role = role_of(user)
    if role in SEES_EVERYTHING:
        return None
    if role == Role.UNIT_OFFICER:
        return user.scope_unit_ids()
    return frozenset()


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> ScopedQuerySet:
        if role_of(user) is None:
            return self.none()  # anonymous or deactivated: not even the rows shared with every signed-in user
        unit_ids = visible_unit_ids(user)
        if unit_ids is None:
            return self
        policy: ScopePolicy = self.model.scope  # type: ignore[attr-defined]
        if not policy.officer_may_view:
            return self.none()
        condition = Q(**{f"{policy.unit_path}__in": unit_ids})
        if policy.shared_when_unowned:
            condition |= Q(**{f"{policy.unit_path}__isnull": True})
        return self.filter(condition)

    def in_unit_subtree(self, unit_ids: frozenset[int] | set[int]) -> ScopedQuerySet:
        policy: ScopePolicy = self.model.scope  # type: ignore[attr-defined]
        return self.filter(**{f"{policy.unit_path}__in": unit_ids})


def get_scoped_or_404(queryset: models.QuerySet[ModelT], user: Any, **lookup: Any) -> ModelT:
    scoped = queryset.for_user(user)  # type: ignore[attr-defined]
    try:
        return scoped.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def may_own(user: Any, unit_id: int | None) -> bool:
    """Whether ``user`` may put an object under ``unit_id`` (used to validate forms and serializers)."""
    unit_ids = visible_unit_ids(user)
    if unit_ids is None:
        return True
    return unit_id is not None and unit_id in unit_ids


def owning_unit_id(obj: models.Model) -> int | None:
    """The id of the unit that owns ``obj`` (``None`` for shared rows such as national bodies' contacts)."""
    policy: ScopePolicy = type(obj).scope  # type: ignore[attr-defined]
    if policy.unit_path == "pk":
        return obj.pk
    value: Any = obj
    for step in policy.unit_path.split("__"):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value.pk if isinstance(value, models.Model) else value


def may_write(user: Any, action: str, obj: models.Model) -> bool:
    """Whether ``user`` may change or delete this very object: the kind (:func:`may`), then its unit.

    An object the user may see but not own (a national body's contact, for an officer) fails the second test.
    """
    from canhgac.core.access import may

    return may(user, action, type(obj)) and may_own(user, owning_unit_id(obj))
