"""Registry serializers: units by id or code, assets with their addresses and software, systems with assets."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from canhgac.constituency.models import (
    Asset,
    Contact,
    Domain,
    InformationSystem,
    Netblock,
    Operator,
    Software,
    Unit,
    unit_code_validator,
)
from canhgac.constituency.services import SoftwareItem, parse_cpe, save_asset, save_object, save_system
from canhgac.core.api.base import ScopedModelSerializer

CODE_PATTERN = re.compile(str(getattr(unit_code_validator.regex, "pattern", unit_code_validator.regex)))


@extend_schema_field(OpenApiTypes.STR)
class UnitCodeField(serializers.Field):
    """A unit by code, filling ``target`` (``unit`` or ``parent``) on write.

    It reads and writes the whole object because a second field on ``unit`` would break DRF's unique-together
    validators; codes are checked against the code rule before any query (PostgreSQL refuses NUL bytes).
    """

    default_error_messages = {"does_not_exist": _("No unit of yours has the code “{code}”."),
                              "invalid": _("Give a unit code (letters without diacritics, digits, . _ -).")}

    def __init__(self, target: str = "unit", **kwargs: Any) -> None:
        self.target = target
        kwargs.setdefault("help_text", f"The {target} unit's code; may replace `{target}` (its id).")
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, instance: Any) -> str | None:
        unit = getattr(instance, self.target)
        return unit.code if unit is not None else None

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, str) or not CODE_PATTERN.fullmatch(data.strip()):
            self.fail("invalid")
        unit = Unit.objects.for_user(self.context["request"].user).filter(code=data.strip()).first()
        if unit is None:
            self.fail("does_not_exist", code=data.strip())
        return {self.target: unit}


class RegistrySerializer(ScopedModelSerializer):
    """Unit-owned objects: ``unit`` (id) or ``unit_code`` on write; both on read."""

    unit_code = UnitCodeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and attrs.get("unit") is None and not self._unit_may_be_empty():
            raise serializers.ValidationError({"unit": serializers.ErrorDetail(
                str(_("Give the unit (`unit` id or `unit_code`).")), code="required")})
        return super().validate(attrs)

    def _unit_may_be_empty(self) -> bool:
        model: Any = self.Meta.model
        return bool(model._meta.get_field("unit").null)

    def write(self, instance: Any, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        save_object(instance, before)


def _unit_fields(model: Any) -> dict[str, Any]:
    nullable = model._meta.get_field("unit").null
    return {"unit": {"required": False, "allow_null": nullable}}


class UnitSerializer(ScopedModelSerializer):
    parent_code = UnitCodeField(target="parent")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "parent", "parent_code", "address", "phone",
                  "email", "website", "active", "notes", "created_at", "updated_at"]

    def write(self, instance: Any, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        save_object(instance, before)


class ContactSerializer(RegistrySerializer):
    class Meta:
        model = Contact
        fields = ["id", "unit", "unit_code", "organisation", "name", "position", "phone", "mobile", "hotline",
                  "email", "focal_point", "national_body", "notes"]
        extra_kwargs = _unit_fields(Contact)


class NetblockSerializer(RegistrySerializer):
    class Meta:
        model = Netblock
        fields = ["id", "unit", "unit_code", "block", "version", "description", "created_at"]
        extra_kwargs = _unit_fields(Netblock)


class DomainSerializer(RegistrySerializer):
    class Meta:
        model = Domain
        fields = ["id", "unit", "unit_code", "name", "purpose", "notes"]
        extra_kwargs = _unit_fields(Domain)


class SoftwareSerializer(serializers.ModelSerializer):
    class Meta:
        model = Software
        fields = ["vendor", "product", "version", "cpe"]

    def validate_cpe(self, value: str) -> str:
        if value:
            try:
                parse_cpe(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return value


@extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["203.113.1.10", "2001:db8::1"]})
class AddressListField(serializers.ListField):
    """The model keeps addresses as one normalised text; the API shows and takes a list."""

    child = serializers.CharField(max_length=45)

    def to_representation(self, data: str) -> list[str]:  # type: ignore[override]
        return [part for part in (data or "").split(", ") if part]

    def to_internal_value(self, data: Any) -> str:  # type: ignore[override]
        return ", ".join(super().to_internal_value(data))


class AssetSerializer(RegistrySerializer):
    ip_addresses = AddressListField(required=False, max_length=50)
    software = SoftwareSerializer(many=True, required=False, max_length=500)  # type: ignore[call-arg]
    extra_fields = ("software",)

    class Meta:
        model = Asset
        fields = ["id", "unit", "unit_code", "name", "hostname", "role", "internet_facing", "ip_addresses",
                  "description", "software", "created_at", "updated_at"]
        extra_kwargs = _unit_fields(Asset)

    def write(self, instance: Any, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        rows = extras.get("software")
        items = None if rows is None else list(dict.fromkeys(SoftwareItem(**row) for row in rows))
        save_asset(instance, before, items)


class InformationSystemSerializer(RegistrySerializer):
    extra_fields = ("assets",)

    class Meta:
        model = InformationSystem
        fields = ["id", "unit", "unit_code", "name", "security_level", "level_approved_ref", "description",
                  "assets"]
        extra_kwargs = {**_unit_fields(InformationSystem), "assets": {"required": False}}

    def write(self, instance: Any, before: dict[str, Any] | None, extras: dict[str, Any]) -> None:
        save_system(instance, before, extras.get("assets"))


class OperatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Operator
        fields = ["id", "governing_body", "name", "abbreviation", "province", "place", "address", "phone",
                  "email", "website", "soc_team_name", "signer_authority", "signer_title", "signer_name"]


class LookupUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LookupNetblockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    block = serializers.CharField()
    description = serializers.CharField()


class LookupAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    hostname = serializers.CharField()
    unit_code = serializers.CharField(source="unit.code")


class LookupSerializer(serializers.Serializer):
    """The answer of ``/api/netblocks/lookup/``."""

    ip = serializers.CharField()
    unit = LookupUnitSerializer(allow_null=True)
    netblock = LookupNetblockSerializer(allow_null=True)
    assets = LookupAssetSerializer(many=True)
