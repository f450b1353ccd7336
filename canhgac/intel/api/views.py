"""Feeds API: batches (the SOC and auditors: all; officers: those that hit their units), hits (officers: their
units'), and uploading a list, which starts the import job and answers its id (the SOC)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.core.access import VIEW, may
from canhgac.core.api.base import api_write
from canhgac.core.models import Channel
from canhgac.core.permissions import RolePermission
from canhgac.intel.api import serializers as ser
from canhgac.intel.filtersets import FeedBatchFilterSet, HitFilterSet
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.querysets import batches_for_user, with_scoped_hits
from canhgac.intel.uploading import parse_columns, start_feed_imports


class BatchPermission(RolePermission):
    """Officers read the batches that hit their units (the model itself is the SOC's and auditors')."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS and may(request.user, VIEW, Hit):
            return True
        return super().has_permission(request, view)


class FeedBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Received lists, newest first. Officers see those that listed an address of their units, without the
    province's figures."""

    model = FeedBatch
    permission_classes = [BatchPermission]
    serializer_class = ser.FeedBatchSerializer
    filterset_class = FeedBatchFilterSet
    ordering_fields = ("received_at", "period", "id")  # not by province figures: officers would learn their order
    ordering = ("-received_at", "-id")
    search_fields = ("reference", "filename")

    def get_queryset(self) -> QuerySet[FeedBatch]:
        batches = batches_for_user(self.request.user).select_related("source")
        return with_scoped_hits(batches, self.request.user)

    @extend_schema(summary="Import a feed file (SOC)", request={"multipart/form-data": ser.FeedUploadSerializer},
                   responses={202: ser.FeedImportAcceptedSerializer, 400: OpenApiTypes.OBJECT,
                              403: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser, JSONParser],
            filter_backends=[], pagination_class=None, permission_classes=[RolePermission])
    def import_file(self, request: Request, **kwargs: Any) -> Response:
        body = ser.FeedUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            columns = parse_columns(data.get("column") or [])
        except ValidationError as error:
            raise drf_serializers.ValidationError({"column": error.messages}) from error
        upload = data["file"]
        with api_write(request.user):
            job, = start_feed_imports([(upload.name or "feed", upload)], request.user, source=data["source"],
                                      reference=data.get("reference", ""), period=data.get("period", ""),
                                      format_name=data.get("format", ""), columns=columns, channel=Channel.API)
        url = request.build_absolute_uri(reverse("job-detail", args=[job.pk]))
        return Response({"job": job.pk, "url": url}, status=status.HTTP_202_ACCEPTED)


class HitViewSet(viewsets.ReadOnlyModelViewSet):
    """Listed addresses found in the units you answer for (the SOC and auditors: all): one row per batch, unit and
    address. ``ip`` finds the rows whose address or block holds an address."""

    model = Hit
    serializer_class = ser.HitSerializer
    filterset_class = HitFilterSet
    ordering_fields = ("id", "batch_id", "unit__code", "first_key", "occurrences")
    ordering = ("-batch_id", "unit_id", "version", "first_key", "id")  # the (batch, unit) index: no sort of a month
    search_fields = ()

    def get_queryset(self) -> QuerySet[Hit]:
        return Hit.objects.for_user(self.request.user).select_related("batch__source", "unit", "asset")


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("feed-batches", FeedBatchViewSet, basename="feedbatch")
    router.register("feed-hits", HitViewSet, basename="hit")
