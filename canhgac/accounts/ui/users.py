"""User administration for SOC administrators: list, create, edit (role, units, active, password), deactivate.

Every save goes through :func:`canhgac.accounts.services.save_user` / ``deactivate_user`` (validated, audited).
Users are never deleted: the audit trail names them. An administrator cannot deactivate or demote themselves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.accounts.filtersets import UserFilterSet
from canhgac.accounts.models import User
from canhgac.accounts.services import deactivate_user, save_user
from canhgac.accounts.ui.forms import UserForm
from canhgac.core.access import may_manage_accounts
from canhgac.core.audit import snapshot
from canhgac.core.ui.views import ConsoleView, ScopedListView

SERVICE_FIELD = {"password": "password1"}
"""Where the service's error keys go in the form."""


class AccountAdmin(ConsoleView):
    model = User

    def is_allowed(self, user: Any) -> bool:
        return may_manage_accounts(user)


class UserListView(AccountAdmin, ScopedListView):  # type: ignore[misc]
    page_title = gettext_lazy("Users")
    table_id = "user-list"
    extra_context = {"add_label": gettext_lazy("New user"), "create_url": reverse_lazy("accounts:user_create")}
    template_name = "accounts/user_list.html"
    filterset_class = UserFilterSet
    sortable: ClassVar[dict[str, str]] = {"username": "username", "name": "full_name", "role": "role",
                                          "active": "is_active", "last_login": "last_login"}

    def base_queryset(self) -> QuerySet[User]:
        return User.objects.prefetch_related("units")


class UserFormView(AccountAdmin, View):
    """Shows and saves :class:`UserForm`; ``user_for`` names the user edited (a new one when creating)."""

    template_name = "accounts/user_form.html"

    def user_for(self, pk: int | None) -> User:
        return User() if pk is None else get_object_or_404(User, pk=pk)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        user = self.user_for(pk)
        initial = {} if pk is None else {"units": list(user.units.all())}
        return self.page(request, UserForm(instance=user, initial=initial, actor=request.user))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        user = self.user_for(pk)
        before = None if pk is None else snapshot(user)
        form = UserForm(request.POST, instance=user, actor=request.user)
        if form.is_valid() and self.save(form, before):
            done = _("The user %(user)s is created.") if pk is None else _("The user %(user)s is saved.")
            messages.success(request, done % {"user": user.username})
            return HttpResponseRedirect(reverse("accounts:user_update", args=[user.pk]))
        return self.page(request, form)

    def save(self, form: UserForm, before: dict[str, Any] | None) -> bool:
        try:
            save_user(form.instance, before, units=form.cleaned_data["units"], password=form.new_password())
        except ValidationError as error:
            by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, field_errors in by_field.items():
                name = SERVICE_FIELD.get(field, field) if field else None
                form.add_error(name if name in form.fields else None, field_errors)
            return False
        return True

    def page(self, request: HttpRequest, form: UserForm) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "edited": form.instance,
                                                    "is_self": form.is_self()})


class UserDeactivateView(AccountAdmin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = get_object_or_404(User, pk=pk)
        if user.pk == request.user.pk:
            messages.error(request, _("You cannot deactivate yourself; ask another administrator."))
        elif user.is_active:
            deactivate_user(user)
            messages.success(request, _("The user %(user)s is deactivated: they can no longer sign in or use "
                                        "their API tokens.") % {"user": user.username})
        return HttpResponseRedirect(reverse("accounts:user_update", args=[user.pk]))
