"""“My API tokens”: each user's own machine credentials.

A new token's key is shown once, in the answer to the form that created it (never stored, never put in the
session or a redirect), with caching forbidden; afterwards only its prefix is known. Revoking keeps the token
listed, revoked, as the API does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from canhgac.accounts.models import ApiToken
from canhgac.accounts.tokens import issue_token, revoke_token
from canhgac.accounts.ui.forms import TokenForm
from canhgac.core.access import role_of
from canhgac.core.ui.views import ConsoleView


def own_tokens(user: Any) -> QuerySet[ApiToken]:
    if role_of(user) is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user.pk)


class TokenAccess(ConsoleView):
    model = ApiToken

    def is_allowed(self, user: Any) -> bool:
        return role_of(user) is not None


class TokenListView(TokenAccess, View):
    template_name = "accounts/token_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, TokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.page(request, form)
        token, raw = issue_token(request.user, form.cleaned_data["name"],  # type: ignore[arg-type]
                                 read_only=form.cleaned_data["read_only"], expires_at=form.expires_at())
        response = render(request, "accounts/token_created.html", {"token": token, "raw_key": raw})
        add_never_cache_headers(response)
        return response

    def page(self, request: HttpRequest, form: TokenForm) -> HttpResponse:
        tokens = own_tokens(request.user)
        return render(request, self.template_name, {"form": form, "tokens": tokens})


class TokenRevokeView(TokenAccess, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(own_tokens(request.user), pk=pk)
        if token.revoked_at is None:
            revoke_token(token)
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return HttpResponseRedirect(reverse("accounts:token_list"))
