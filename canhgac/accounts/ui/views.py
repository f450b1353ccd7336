"""Signing in and out, and changing one's password. Failed sign-ins are throttled by django-axes (settings: AXES_*)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from canhgac.accounts.models import User
from canhgac.accounts.services import save_user
from canhgac.accounts.ui.forms import ConsolePasswordChangeForm
from canhgac.core.audit import snapshot
from canhgac.core.ui.forms import style_widgets


class ConsoleAuthenticationForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ConsoleAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password: the old one is asked again; the change is audited like any other."""

    template_name = "accounts/password_change.html"
    form_class = ConsolePasswordChangeForm
    success_url = reverse_lazy("web:home")

    def form_valid(self, form: Any) -> HttpResponse:
        user = cast(User, self.request.user)
        save_user(user, snapshot(user), password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)  # stay signed in here; other sessions end
        messages.success(self.request, _("Your password is changed."))
        return HttpResponseRedirect(self.get_success_url())
