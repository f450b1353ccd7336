"""Awareness API: bulletins sent to your units (opening one records the read), answering its quiz, and the
per-unit receipts and results (officers: their units' rows)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.awareness.api import serializers as ser
from canhgac.awareness.filtersets import BulletinFilterSet
from canhgac.awareness.models import Bulletin, BulletinAttachment, QuizAttempt, QuizQuestion
from canhgac.awareness.services import record_opening, submit_quiz, unit_results
from canhgac.core.access import ADD, may
from canhgac.core.api.base import api_write


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Bulletins (officers: those sent to their units; the SOC: all, drafts included), newest first."""

    model = Bulletin
    filter_backends = [DjangoFilterBackend]
    filterset_class = BulletinFilterSet
    read_actions = ("answer",)  # answering is asked of the answer sheet (officers), not of the bulletin

    def get_queryset(self) -> QuerySet:
        queryset = Bulletin.objects.for_user(self.request.user).distinct().order_by("-published_at", "-pk")
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("questions", QuizQuestion.objects.prefetch_related("choices")),
                Prefetch("attachments", BulletinAttachment.objects.defer("content")))
        return queryset

    def get_serializer_class(self) -> Any:
        return ser.BulletinSerializer if self.action == "list" else ser.BulletinDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bulletin = self.get_object()
        if bulletin.published_at is not None:
            record_opening(bulletin, request.user)
        return Response(self.get_serializer(bulletin).data)

    @extend_schema(summary="Answer the bulletin's quiz (once, as a unit's staff)", request=ser.AnswerSheetSerializer,
                   responses={201: ser.AttemptSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        bulletin = self.get_object()
        if not may(request.user, ADD, QuizAttempt):
            raise exceptions.PermissionDenied
        body = ser.AnswerSheetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with api_write(request.user):
            try:
                attempt = submit_quiz(bulletin, request.user, body.validated_data["answers"])
            except DjangoPermissionDenied as error:
                raise exceptions.PermissionDenied(str(error)) from error
        return Response({"score": attempt.score, "total": attempt.total}, status=201)

    @extend_schema(summary="Receipts and quiz results per unit", responses={200: ser.UnitResultSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None, **kwargs: Any) -> Response:
        rows = unit_results(self.get_object(), request.user)
        page = self.paginate_queryset(rows)
        data = ser.UnitResultSerializer(page if page is not None else rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def register_routes(router: DefaultRouter) -> None:
    router.register("awareness/bulletins", BulletinViewSet, basename="bulletin")
