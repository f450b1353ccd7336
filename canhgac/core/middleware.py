from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
