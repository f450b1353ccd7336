"""Signing in and out. Failed attempts are throttled by django-axes (see settings: AXES_*)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

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
