"""Accounts API: who am I, my tokens, and (SOC administrators) the users."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from canhgac.accounts.api import schema  # noqa: F401  (registers the token scheme)
from canhgac.accounts.api.serializers import MeSerializer, NewTokenSerializer, TokenSerializer, UserSerializer
from canhgac.accounts.models import ApiToken, User
from canhgac.accounts.services import deactivate_user
from canhgac.accounts.tokens import revoke_token
from canhgac.core.access import may_manage_accounts, role_of
from canhgac.core.api.base import api_write
from canhgac.core.audit import snapshot


def _writes_allowed(request: Any) -> bool:
    return request.method in SAFE_METHODS or not getattr(request.auth, "read_only", False)


class SignedIn(BasePermission):
    """Any active user with a role; a read-only token may only read."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return role_of(request.user) is not None and _writes_allowed(request)


class AccountManager(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return may_manage_accounts(request.user) and _writes_allowed(request)


class SingleObjectSchema(AutoSchema):
    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class MeViewSet(viewsets.GenericViewSet):
    serializer_class = MeSerializer
    permission_classes = [SignedIn]
    pagination_class = None
    schema = SingleObjectSchema()

    @extend_schema(summary="The signed-in user, their role and units", filters=False)
    def list(self, request: Request, **kwargs: Any) -> Response:
        return Response(MeSerializer(request.user).data)


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own API tokens; deleting one revokes it (it stays listed, revoked)."""

    permission_classes = [SignedIn]

    def get_queryset(self) -> QuerySet[ApiToken]:
        if role_of(self.request.user) is None:
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user.pk)

    def get_serializer_class(self) -> type:
        return NewTokenSerializer if self.action == "create" else TokenSerializer

    @extend_schema(responses={status.HTTP_201_CREATED: NewTokenSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        with api_write(self.request.user):
            serializer.save()

    def perform_destroy(self, instance: ApiToken) -> None:
        if instance.revoked_at is None:
            with api_write(self.request.user):
                revoke_token(instance)


class UserViewSet(viewsets.ModelViewSet):
    """User administration (SOC administrators). Deleting a user deactivates it: the audit trail keeps names."""

    serializer_class = UserSerializer
    permission_classes = [AccountManager]
    queryset = User.objects.prefetch_related("units")
    filterset_fields = ["role", "is_active"]
    ordering_fields = ["username", "role", "date_joined", "last_login"]

    def get_object(self) -> User:
        user = super().get_object()
        self._before = snapshot(user)
        return user

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "before": getattr(self, "_before", None)}

    def perform_create(self, serializer: Any) -> None:
        with api_write(self.request.user):
            serializer.save()

    def perform_update(self, serializer: Any) -> None:
        with api_write(self.request.user):
            serializer.save()

    def perform_destroy(self, instance: User) -> None:
        if instance.pk == self.request.user.pk:
            raise ValidationError(_("You cannot deactivate yourself; ask another administrator."))
        with api_write(self.request.user):
            deactivate_user(instance)


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
    router.register("me", MeViewSet, basename="me")
    router.register("tokens", TokenViewSet, basename="token")
    router.register("users", UserViewSet, basename="user")
