"""Advisories API: advisories (with their rules), vulnerabilities, exposures (scoped: officers see their units'),
import batches; importing a file and matching as background jobs (the SOC)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.advisories.api import serializers as ser
from canhgac.advisories.filtersets import AdvisoryFilterSet, ExposureFilterSet, VulnerabilityFilterSet
from canhgac.advisories.models import Advisory, AdvisoryBatch, AffectedProduct, Exposure, Vulnerability
from canhgac.advisories.services import MATCH_JOB, Letter, import_advisories, rule_details
from canhgac.core import jobs
from canhgac.core.api.base import api_write
from canhgac.core.models import Channel, Job


def accepted(request: Request, job: Job) -> Response:
    url = request.build_absolute_uri(reverse("job-detail", args=[job.pk]))
    return Response({"job": job.pk, "url": url}, status=status.HTTP_202_ACCEPTED)


class AdvisoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Advisories as received (the SOC and auditors), newest first; a detail lists its rules, each saying where in
    the record it was read and, when it cannot be used, why."""

    model = Advisory
    filterset_class = AdvisoryFilterSet
    ordering_fields = ("published", "cvss", "updated_at", "id")
    ordering = ("-published", "-id")
    search_fields = ("source_id", "title")

    def get_queryset(self) -> QuerySet:
        queryset = Advisory.objects.for_user(self.request.user).defer("raw", "summary").prefetch_related(
            "vulnerabilities")
        if self.action == "retrieve":
            queryset = queryset.defer("raw").prefetch_related(Prefetch("products", AffectedProduct.objects.order_by(
                "id"))).annotate(units_affected=Count("vulnerabilities__exposures__unit", distinct=True),
                                 exposure_count=Count("vulnerabilities__exposures", distinct=True))
        return queryset

    def get_serializer_class(self) -> Any:
        return ser.AdvisorySerializer if self.action == "list" else ser.AdvisoryDetailSerializer

    @extend_schema(summary="Import an advisory file (SOC)", request=ser.ImportSerializer,
                   responses={202: ser.JobAcceptedSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser, JSONParser],
            filter_backends=[], pagination_class=None)
    def import_file(self, request: Request, **kwargs: Any) -> Response:
        body = ser.ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        letter = Letter(data.get("reference", "").strip(), data.get("reference_date"), data.get("deadline"))
        with api_write(request.user):
            job = import_advisories(data["file"], user=request.user, filename=data["file"].name,
                                    format_name=data.get("format", ""), letter=letter, channel=Channel.API)
        return accepted(request, job)

    @extend_schema(summary="Match the advisories with the inventory (SOC)", request=ser.MatchSerializer,
                   responses={202: ser.JobAcceptedSerializer})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser], filter_backends=[], pagination_class=None)
    def match(self, request: Request, **kwargs: Any) -> Response:
        body = ser.MatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assets = body.validated_data.get("assets") or []
        params = {"assets": sorted(set(assets))} if assets else {}
        job = jobs.submit(MATCH_JOB, request.user, params, channel=Channel.API)
        return accepted(request, job)


class VulnerabilityViewSet(viewsets.ReadOnlyModelViewSet):
    """Vulnerabilities with what all their advisories say (the SOC and auditors)."""

    model = Vulnerability
    filterset_class = VulnerabilityFilterSet
    ordering_fields = ("published", "cvss", "exposure_count", "identifier")
    ordering = ("-published", "identifier")
    search_fields = ("identifier", "title")

    def get_queryset(self) -> QuerySet:
        queryset = Vulnerability.objects.for_user(self.request.user).annotate(exposure_count=Count("exposures"))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("advisories", Advisory.objects.defer(
                "raw", "summary").prefetch_related("vulnerabilities")))
        return queryset

    def get_serializer_class(self) -> Any:
        return ser.VulnerabilitySerializer if self.action == "list" else ser.VulnerabilityDetailSerializer


class ExposureViewSet(viewsets.ReadOnlyModelViewSet):
    """Vulnerabilities present on the assets of the units you answer for (the SOC and auditors: all), with the rules
    that matched. Known-exploited first."""

    model = Exposure
    serializer_class = ser.ExposureSerializer
    filterset_class = ExposureFilterSet
    ordering_fields = ("vulnerability__known_exploited", "vulnerability__cvss", "unit__code", "id")
    ordering = ("-vulnerability__known_exploited", "-vulnerability__cvss", "id")
    search_fields = ()

    def get_queryset(self) -> QuerySet:
        return Exposure.objects.for_user(self.request.user).select_related("vulnerability", "unit", "asset")

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """The rules the exposures of the page matched, read in one go (not one query per exposure)."""
        if args:
            exposures = args[0] if kwargs.get("many") else [args[0]]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["rules"] = rule_details({rule for exposure in exposures for rule in exposure.rule_ids()})
        return super().get_serializer(*args, **kwargs)


class BatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Imported advisory files, newest first (the SOC and auditors)."""

    model = AdvisoryBatch
    serializer_class = ser.BatchSerializer
    ordering = ("-received_at", "-id")
    search_fields = ("filename", "reference")

    def get_queryset(self) -> QuerySet:
        return AdvisoryBatch.objects.for_user(self.request.user)


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("advisories", AdvisoryViewSet, basename="advisory")
    router.register("vulnerabilities", VulnerabilityViewSet, basename="vulnerability")
    router.register("exposures", ExposureViewSet, basename="exposure")
    router.register("advisory-batches", BatchViewSet, basename="advisorybatch")
