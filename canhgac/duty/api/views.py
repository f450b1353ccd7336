"""Duty API: rosters, people, shifts (``now/``: who is on duty now), check-in, the shift log, alerts — each read
through ``for_user`` so an officer sees their units' only."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.core.access import CHANGE
from canhgac.core.api.base import ScopedModelViewSet, api_write
from canhgac.core.scoping import may_write
from canhgac.duty.api import serializers as ser
from canhgac.duty.filtersets import DutyAlertFilterSet, DutyPersonFilterSet, LogEntryFilterSet, RosterFilterSet
from canhgac.duty.models import Assignment, DutyAlert, DutyPerson, LogEntry, Roster, Shift
from canhgac.duty.services import assign_person, check_in, delete_roster, generate_shifts, unassign
from canhgac.duty.services.watch import running_at


class ScopedReadOnly(viewsets.ReadOnlyModelViewSet):
    model: Any
    related: tuple[str, ...] = ()
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet:
        return self.model.objects.for_user(self.request.user).select_related(*self.related)


class RosterViewSet(ScopedModelViewSet):
    """Duty rosters of your units (the SOC: all, its own included); officers keep their units' rosters."""

    model = Roster
    related = ("unit",)
    serializer_class = ser.RosterSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RosterFilterSet

    def remove(self, instance: Any) -> None:
        delete_roster(instance)

    @extend_schema(summary="Make the roster's shifts match its period and pattern", request=None,
                   responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        roster = cast(Roster, self.get_object())
        if not may_write(request.user, CHANGE, roster):
            raise exceptions.PermissionDenied
        with api_write(request.user):
            report = generate_shifts(roster)
        return Response({"created": report.created, "removed": report.removed, "kept": report.kept})


class DutyPersonViewSet(ScopedReadOnly):
    model = DutyPerson
    serializer_class = ser.DutyPersonSerializer
    filterset_class = DutyPersonFilterSet


class ShiftViewSet(ScopedReadOnly):
    """Shifts with the people on them; ``now/`` lists the shifts running now."""

    model = Shift
    related = ("roster__unit",)
    serializer_class = ser.ShiftSerializer
    filterset_fields = ["roster"]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related(
            Prefetch("assignments", Assignment.objects.select_related("person")))

    @extend_schema(summary="Put a person of the roster's unit on the shift", request=ser.AssignBodySerializer,
                   responses={201: ser.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        shift = cast(Shift, self.get_object())
        body = ser.AssignBodySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        with api_write(request.user):
            try:
                assignment = assign_person(request.user, shift, body.validated_data["person"])
            except DjangoPermissionDenied as error:
                raise exceptions.PermissionDenied(str(error)) from error
        return Response(ser.AssignmentSerializer(assignment, context={"request": request}).data, status=201)

    @extend_schema(summary="Shifts running now (who is on duty)")
    @action(detail=False, methods=["get"])
    def now(self, request: Request, **kwargs: Any) -> Response:
        shifts = running_at(self.get_queryset(), timezone.now()).order_by("roster__unit__code", "starts_at")
        page = self.paginate_queryset(shifts)
        data = self.get_serializer(page if page is not None else shifts, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class AssignmentViewSet(ScopedReadOnly):
    """People on shifts: ``POST duty/shifts/{id}/assign/`` puts one on, ``…/remove/`` here takes them off."""

    model = Assignment
    related = ("person",)
    serializer_class = ser.AssignmentSerializer
    filterset_fields = ["shift", "person"]

    @extend_schema(summary="Take the person off the shift (not after they checked in)", request=None,
                   responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        assignment = cast(Assignment, self.get_object())
        with api_write(request.user):
            try:
                unassign(request.user, assignment)
            except DjangoPermissionDenied as error:
                raise exceptions.PermissionDenied(str(error)) from error
        return Response(status=204)

    @extend_schema(summary="Check in at the start of the shift", request=None,
                   responses={200: ser.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def checkin(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        assignment = cast(Assignment, self.get_object())
        with api_write(request.user):
            try:
                check_in(request.user, assignment)
            except DjangoPermissionDenied as error:
                raise exceptions.PermissionDenied(str(error)) from error
        return Response(self.get_serializer(assignment).data)


class LogEntryViewSet(mixins.CreateModelMixin, ScopedReadOnly):
    """The shift logs (sổ trực): read, and write a line (never edited afterwards)."""

    model = LogEntry
    related = ("author",)
    serializer_class = ser.LogEntrySerializer
    filterset_class = LogEntryFilterSet

    def perform_create(self, serializer: Any) -> None:
        with api_write(self.request.user):
            try:
                serializer.save()
            except DjangoPermissionDenied as error:
                raise exceptions.PermissionDenied(str(error)) from error


class DutyAlertViewSet(ScopedReadOnly):
    model = DutyAlert
    related = ("shift__roster__unit",)
    serializer_class = ser.DutyAlertSerializer
    filterset_class = DutyAlertFilterSet

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related(
            Prefetch("shift__assignments", Assignment.objects.select_related("person")))


def register_routes(router: DefaultRouter) -> None:
    router.register("duty/rosters", RosterViewSet, basename="duty-roster")
    router.register("duty/people", DutyPersonViewSet, basename="duty-person")
    router.register("duty/shifts", ShiftViewSet, basename="duty-shift")
    router.register("duty/assignments", AssignmentViewSet, basename="duty-assignment")
    router.register("duty/log-entries", LogEntryViewSet, basename="duty-logentry")
    router.register("duty/alerts", DutyAlertViewSet, basename="duty-alert")
