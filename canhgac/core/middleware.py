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
