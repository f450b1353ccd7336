"""Jobs (progress, log, result) and the audit trail, read-only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.routers import DefaultRouter

from canhgac.core.access import may_view_audit, role_of
from canhgac.core.api.filtersets import AuditEntryFilterSet
from canhgac.core.api.serializers import AuditEntrySerializer, JobSerializer
from canhgac.core.jobs import visible_jobs
from canhgac.core.models import AuditEntry, Job


class SignedInReader(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return role_of(request.user) is not None and request.method in SAFE_METHODS


class AuditReader(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return may_view_audit(request.user) and request.method in SAFE_METHODS


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """SOC staff and auditors follow every job; a unit officer follows the jobs they started."""

    serializer_class = JobSerializer
    permission_classes = [SignedInReader]
    filterset_fields = ["kind", "state", "channel"]
    ordering_fields = ["created_at", "finished_at", "state"]

    def get_queryset(self) -> QuerySet[Job]:
        return visible_jobs(self.request.user)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    permission_classes = [AuditReader]
    filterset_class = AuditEntryFilterSet
    ordering_fields = ["at", "object_type", "action", "channel"]
    queryset = AuditEntry.objects.select_related("actor")


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("jobs", JobViewSet, basename="job")
    router.register("audit", AuditEntryViewSet, basename="auditentry")
