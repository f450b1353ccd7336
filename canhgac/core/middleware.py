from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from canhgac.core.audit import acting_as
from canhgac.core.models import Channel


class AuditChannelMiddleware:
    """Every change made while serving a console request is recorded as the signed-in user's, channel "ui".

    API views re-bind the actor themselves (token authentication happens inside DRF, after middleware).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(getattr(request, "user", None), Channel.UI):
            return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no inline scripts anywhere: htmx and Bootstrap are bundled files
    "style-src 'self' 'unsafe-inline'",  # htmx and Bootstrap set style attributes at run time
    "img-src 'self' data:",  # Bootstrap draws its form icons as data: SVGs
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


class ContentSecurityPolicyMiddleware:
    """A strict policy on every response: a name with HTML in it can never run script in the console."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose otherwise with the language switch (its cookie).

    Django's own middleware follows the browser's Accept-Language, and many offices run English-language Windows
    and Chrome: their staff would get an English console they never asked for.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
