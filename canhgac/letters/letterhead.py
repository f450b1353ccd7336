"""The letterhead of the deployment's own body, read from the registry's ``Operator`` (edited in the console)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from canhgac.constituency.models import Operator
from canhgac.letters.content import Letterhead, nfc


def operator() -> Operator:
    found = Operator.objects.order_by("pk").first()
    if found is None:
        raise ImproperlyConfigured("No operator is set: run `canhgac init` or fill it in the console "
                                   "(System → Operator) before writing letters.")
    return found


def letterhead_of_operator(body: Operator | None = None) -> Letterhead:
    """The two lines of the issuer, in capitals as the decree writes them, and the place of the date line."""
    body = body or operator()
    return Letterhead(governing_body=nfc(body.governing_body).upper(), issuing_body=nfc(body.name).upper(),
                      place=nfc(body.place or body.province))
