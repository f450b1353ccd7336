"""Findings API: scoped list and detail with their history, a step of one finding, the SOC's bulk step."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.core.api.base import api_write
from canhgac.core.models import Channel
from canhgac.findings.api import serializers as ser
from canhgac.findings.filtersets import FindingFilterSet, severity_rank
from canhgac.findings.jobs import bulk_transition, may_bulk
from canhgac.findings.models import Finding, FindingEvent
from canhgac.findings.services import transition_finding


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings of the units you answer for (the SOC and auditors: all), most urgent first.

    ``ordering=severity_rank`` sorts by gravity (critical first).
    """

    model = Finding
    filter_backends = [DjangoFilterBackend, OrderingFilter]  # text search is the filterset's ``q``
    filterset_class = FindingFilterSet
    ordering_fields = ("priority", "severity_rank", "due_on", "state", "unit__code", "last_seen_at", "first_seen_at",
                       "times_seen", "id")
    ordering = ("priority", "due_on", "id")

    def get_queryset(self) -> QuerySet:
        queryset = Finding.objects.for_user(self.request.user).select_related("unit", "asset") \
            .annotate(severity_rank=severity_rank())
        if self.action != "list":
            queryset = queryset.prefetch_related(Prefetch("events", FindingEvent.objects.order_by("at", "pk")))
        return queryset

    def get_serializer_class(self) -> Any:
        return ser.FindingSerializer if self.action == "list" else ser.FindingDetailSerializer

    @extend_schema(summary="Move a finding to another state", request=ser.TransitionSerializer,
                   responses={200: ser.FindingDetailSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT,
                              404: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        finding = self.get_object()  # another unit's finding: 404 before anything is read from the body
        body = ser.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with api_write(request.user):
            transition_finding(finding, body.validated_data["state"], user=request.user,
                               note=body.validated_data["note"])
        return Response(ser.FindingDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        summary="Move many findings (SOC)",
        description="By ids, or every finding matching a filter. Up to 200 findings move at once (200); more move "
                    "in a background job (202) whose result has the same counts. Ids you may not see are listed "
                    "as not found and left alone.",
        request=ser.BulkTransitionSerializer,
        responses={200: ser.BulkReportSerializer, 202: ser.BulkReportSerializer, 400: OpenApiTypes.OBJECT,
                   403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not the SOC")},
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="bulk-transition", filter_backends=[], pagination_class=None)
    def bulk_transition(self, request: Request, **kwargs: Any) -> Response:
        if not may_bulk(request.user):
            raise exceptions.PermissionDenied(_("Only the SOC moves findings in bulk."))
        body = ser.BulkTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with api_write(request.user):
            report = bulk_transition(request.user, data["state"], data["note"], ids=data.get("ids"),
                                     filters=data.get("filter"), channel=Channel.API)
        answer = report.as_dict()
        if report.job is None:
            return Response(answer)
        url = request.build_absolute_uri(reverse("job-detail", args=[report.job.pk]))
        answer["job"] = {"id": report.job.pk, "title": report.job.title, "state": report.job.state, "url": url}
        return Response(answer, status=status.HTTP_202_ACCEPTED)


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("findings", FindingViewSet, basename="finding")
