"""Directives API: the SOC writes, sends and follows directives; a unit's officers read their copies,
acknowledge them and report per task with evidence. Reads go through ``for_user``: another unit's copy,
report or evidence is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.core.api.base import api_write
from canhgac.core.models import Channel
from canhgac.directives.api import serializers as ser
from canhgac.directives.filtersets import DirectiveFilterSet, RecipientFilterSet, TaskReportFilterSet
from canhgac.directives.jobs import start_distribution
from canhgac.directives.models import Directive, Recipient, TaskReport
from canhgac.directives.querysets import summary, with_progress
from canhgac.directives.services import acknowledge, add_evidence, create_directive, preset_fields, report_task
from canhgac.directives.services.reporting import EVIDENCE_MAX_BYTES


class DirectiveViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Directives (SOC and auditors). POST creates a draft, from ``groups`` or from a ``template``."""

    model = Directive
    filterset_class = DirectiveFilterSet
    ordering = ("-issued_on", "-id")

    def get_queryset(self) -> QuerySet:
        return Directive.objects.for_user(self.request.user).prefetch_related("groups__units", "groups__tasks",
                                                                              "contacts", "advisories")

    def get_serializer_class(self) -> Any:
        return ser.DirectiveCreateSerializer if self.action == "create" else ser.DirectiveSerializer

    @extend_schema(responses={201: ser.DirectiveSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ser.DirectiveCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        groups, contacts = body.group_specs(), data.pop("contacts", None)
        data.pop("groups", None)
        with api_write(request.user):
            if data.get("template"):
                filled = preset_fields(data["template"])
                groups = groups if groups is not None else filled.pop("groups")
                contacts = contacts if contacts is not None else filled.pop("contacts")
                data = {**{key: value for key, value in filled.items() if key not in ("groups", "contacts")},
                        **data}
            directive = create_directive(request.user, data, groups or [], contacts)
        return Response(ser.DirectiveSerializer(self.get_queryset().get(pk=directive.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Send the directive to its units (a background job)", request=None,
                   responses={202: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def distribute(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        directive = self.get_object()
        with api_write(request.user):
            job = start_distribution(directive, request.user, channel=Channel.API)
        url = request.build_absolute_uri(reverse("job-detail", args=[job.pk]))
        return Response({"job": {"id": job.pk, "state": job.state, "url": url}}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Figures: receipts, complete and overdue units, reports per task",
                   responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        figures = summary(self.get_object(), request.user)
        return Response({"units": figures.copies, "acknowledged": figures.acknowledged,
                         "complete": figures.complete, "overdue": figures.overdue,
                         "tasks": [{"id": row.task.pk, "label": row.task.label, "title": row.task.title,
                                    **row.counts} for row in figures.tasks]})


class RecipientViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' copies of directives (officers: their units' only), with how many tasks are not reported yet."""

    model = Recipient
    serializer_class = ser.RecipientSerializer
    filterset_class = RecipientFilterSet
    ordering = ("-directive__report_deadline", "unit__code", "id")

    def get_queryset(self) -> QuerySet:
        return with_progress(Recipient.objects.for_user(self.request.user).select_related("unit", "directive"))

    @extend_schema(summary="Acknowledge receipt", request=None, responses={200: ser.RecipientSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        copy = self.get_object()
        with api_write(request.user):
            acknowledge(copy, request.user)
        return Response(self.get_serializer(self.get_object()).data)


class TaskReportViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reports per task (officers: their units' only). PATCH reports a state and a note; POST …/evidence/ adds a
    file (multipart ``file``)."""

    model = TaskReport
    serializer_class = ser.TaskReportSerializer
    filterset_class = TaskReportFilterSet
    ordering = ("recipient", "task__group__position", "task__position")
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return TaskReport.objects.for_user(self.request.user).select_related(
            "task__group", "recipient").prefetch_related("evidence")

    @extend_schema(request=ser.ReportBodySerializer, responses={200: ser.TaskReportSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        if request.data:
            body = ser.ReportBodySerializer(data=request.data)
            body.is_valid(raise_exception=True)
            with api_write(request.user):
                report_task(report, request.user, body.validated_data["state"], body.validated_data["note"])
        return Response(self.get_serializer(self.get_object()).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="Add an evidence file", request={"multipart/form-data": ser.EvidenceBodySerializer},
                   responses={201: ser.EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def evidence(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        report = self.get_object()
        body = ser.EvidenceBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        with api_write(request.user):
            evidence = add_evidence(report, request.user, upload.name, upload.read(EVIDENCE_MAX_BYTES + 1))
        return Response(ser.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("directives", DirectiveViewSet, basename="directive")
    router.register("directive-copies", RecipientViewSet, basename="directivecopy")
    router.register("directive-reports", TaskReportViewSet, basename="directivereport")
