from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from canhgac.core.access import ADD, CHANGE, DELETE, VIEW, may

_ACTION_BY_METHOD = {"POST": ADD, "PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}


class RolePermission(BasePermission):
    """The API asks the same policy as the console (``core.access.may``); object scope comes from querysets."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return request.method in SAFE_METHODS
        action = VIEW if request.method in SAFE_METHODS else _ACTION_BY_METHOD.get(request.method, CHANGE)
        if getattr(view, "action", None) in getattr(view, "read_actions", ()):
            action = VIEW
        token = getattr(request, "auth", None)
        if action != VIEW and getattr(token, "read_only", False):
            return False
        return may(request.user, action, model)
