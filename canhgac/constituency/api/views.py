"""Registry API: CRUD of every registry object, the IP owner lookup, and file import/export (transfer.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.constituency.api import serializers as ser
from canhgac.constituency.api.transfer import ExportViewSet, ImportViewSet
from canhgac.constituency.filtersets import FILTERSETS
from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Operator, Unit
from canhgac.constituency.querysets import IpOwner, owner_of_ip
from canhgac.constituency.services import delete_object, save_object
from canhgac.core.api.base import ScopedModelViewSet, api_write
from canhgac.core.audit import snapshot
from canhgac.core.scoping import visible_unit_ids


class RegistryViewSet(ScopedModelViewSet):
    def remove(self, instance: Any) -> None:
        delete_object(instance)


class UnitViewSet(RegistryViewSet):
    model = Unit
    serializer_class = ser.UnitSerializer
    filterset_class = FILTERSETS[Unit]
    related = ("parent",)
    ordering_fields = ("code", "name", "kind", "active", "updated_at")


class ContactViewSet(RegistryViewSet):
    model = Contact
    serializer_class = ser.ContactSerializer
    filterset_class = FILTERSETS[Contact]
    related = ("unit",)
    ordering_fields = ("name", "organisation", "focal_point", "unit__code")


class DomainViewSet(RegistryViewSet):
    model = Domain
    serializer_class = ser.DomainSerializer
    filterset_class = FILTERSETS[Domain]
    related = ("unit",)
    ordering_fields = ("name", "purpose", "unit__code")


class AssetViewSet(RegistryViewSet):
    model = Asset
    serializer_class = ser.AssetSerializer
    filterset_class = FILTERSETS[Asset]
    related = ("unit",)
    prefetch = ("software",)
    ordering_fields = ("name", "hostname", "role", "internet_facing", "unit__code", "updated_at")


class InformationSystemViewSet(RegistryViewSet):
    model = InformationSystem
    serializer_class = ser.InformationSystemSerializer
    filterset_class = FILTERSETS[InformationSystem]
    related = ("unit",)
    prefetch = ("assets",)
    ordering_fields = ("name", "security_level", "unit__code")


class NetblockViewSet(RegistryViewSet):
    model = Netblock
    serializer_class = ser.NetblockSerializer
    filterset_class = FILTERSETS[Netblock]
    related = ("unit",)
    ordering_fields = ("first_key", "span_key", "version", "unit__code", "block")
    read_actions = ("lookup",)

    @extend_schema(
        summary="Which unit owns an IP address",
        description="The most specific registered netblock holding the address, its unit, and the registered "
                    "assets with that address. 404 when nothing you may see holds it.",
        parameters=[OpenApiParameter("ip", OpenApiTypes.STR, required=True, description="IPv4 or IPv6 address")],
        responses={200: ser.LookupSerializer, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def lookup(self, request: Request, **kwargs: Any) -> Response:
        text = request.query_params.get("ip", "").strip()
        if not text:
            raise exceptions.ValidationError({"ip": [_("Give the address to look up as ?ip=…")]})
        try:
            owner = owner_of_ip(text)  # the true owner over all blocks, then hidden if it is not the user's
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"ip": error.messages}) from error
        return Response(ser.LookupSerializer(_visible_answer(owner, visible_unit_ids(request.user))).data)


def _visible_answer(owner: IpOwner, unit_ids: frozenset[int] | None) -> dict[str, Any]:
    """An officer sees the answer only for their units: another unit's block is a 404, never its name."""
    block = owner.netblock
    if block is not None and unit_ids is not None and block.unit_id not in unit_ids:
        block = None
    assets = [asset for asset in owner.assets if unit_ids is None or asset.unit_id in unit_ids]
    if block is None and not assets:
        raise exceptions.NotFound(_("No registered netblock or asset that you may see holds this address."))
    return {"ip": str(owner.address), "unit": block.unit if block else None, "netblock": block, "assets": assets}


class OperatorViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The deployment's own body (letterhead and signer data): read by the SOC and auditors, changed (PATCH/PUT,
    audited) by administrators only; its single row is created by ``canhgac init`` or the console, never here."""

    model = Operator
    serializer_class = ser.OperatorSerializer

    def get_queryset(self) -> Any:
        return Operator.objects.for_user(self.request.user)

    def perform_update(self, serializer: Any) -> None:
        instance = serializer.instance
        before = snapshot(instance)  # as loaded: the validated values are not applied yet
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        with api_write(self.request.user):
            save_object(instance, before)


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("units", UnitViewSet, basename="unit")
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("netblocks", NetblockViewSet, basename="netblock")
    router.register("domains", DomainViewSet, basename="domain")
    router.register("assets", AssetViewSet, basename="asset")
    router.register("systems", InformationSystemViewSet, basename="informationsystem")
    router.register("operator", OperatorViewSet, basename="operator")
    router.register(r"imports/(?P<kind>units|contacts|netblocks|assets)", ImportViewSet, basename="import")
    router.register(r"exports/(?P<kind>units|contacts|netblocks|assets)", ExportViewSet,
                    basename="export")
