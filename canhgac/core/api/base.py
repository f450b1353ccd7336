"""Base classes of every API route: scoped reads, audited writes, model validation as 400.

A viewset names its ``model``; reads go through ``Model.objects.for_user`` (another unit's object is a 404) and
writes run as the requesting user on channel "api", so the audit trail records them like console changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from canhgac.core.access import CHANGE, DELETE
from canhgac.core.audit import acting_as, snapshot
from canhgac.core.models import Channel
from canhgac.core.scoping import may_own, may_write

_WRITE_ACTION_BY_METHOD = {"PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}


@contextmanager
def api_write(user: Any) -> Iterator[None]:
    """Run a write as ``user`` on the API channel; a model ``ValidationError`` becomes a 400 with field errors."""
    with acting_as(user, Channel.API):
        try:
            yield
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related choices are limited to what the user sees; writes go through :meth:`write` (a service call).

    Subclasses implement ``write(instance, before, extras)``; ``extras`` holds the values popped by
    ``extra_fields`` (many-to-many lists, nested software …) that the model constructor cannot take.
    """

    extra_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        user = self.context["request"].user if "request" in self.context else None
        for field in fields.values():
            related: Any = getattr(field, "child_relation", field)
            queryset = getattr(related, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                related.queryset = queryset.for_user(user)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        policy = getattr(self.Meta.model, "scope", None)
        if policy is not None and policy.unit_path == "unit" and ("unit" in attrs or self.instance is None):
            unit = attrs.get("unit")
            if not may_own(self.context["request"].user, unit.pk if unit else None):
                raise serializers.ValidationError({"unit": serializers.ErrorDetail(
                    _("You may only place objects in your own units."), code="unit_scope")})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        extras = {name: validated_data.pop(name) for name in self.extra_fields if name in validated_data}
        model: Any = self.Meta.model
        instance = model(**validated_data)
        self.write(instance, None, extras)
        return instance

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        before = self.context["before"]
        extras = {name: validated_data.pop(name) for name in self.extra_fields if name in validated_data}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self.write(instance, before, extras)
        return instance

    def write(self, instance: models.Model, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        raise NotImplementedError


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over ``model`` for the user's scope; subclasses set ``model``, ``serializer_class``, filters, ordering.

    ``remove`` deletes (a service call, audited); ``related`` / ``prefetch`` keep list pages to a few queries.
    """

    model: type[models.Model]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    def get_queryset(self) -> models.QuerySet:
        queryset = self.model.objects.for_user(self.request.user)  # type: ignore[attr-defined]
        return queryset.select_related(*self.related).prefetch_related(*self.prefetch)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "before": getattr(self, "_before", None)}

    def get_object(self) -> models.Model:
        instance = super().get_object()
        action = _WRITE_ACTION_BY_METHOD.get(self.request.method or "")
        if action and not may_write(self.request.user, action, instance):
            raise PermissionDenied  # seen but not owned, e.g. a national body's contact for an officer
        self._before = snapshot(instance)  # taken when loaded: the audit's "before"
        return instance

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        with api_write(self.request.user):
            serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with api_write(self.request.user):
            serializer.save()

    def perform_destroy(self, instance: models.Model) -> None:
        with api_write(self.request.user):
            self.remove(instance)

    def remove(self, instance: models.Model) -> None:
        raise NotImplementedError
