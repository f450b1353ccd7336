"""The letterhead of the deployment's own body, read from the registry's ``Operator`` (edited in the console)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from canhgac.constituency.models import Operator
from canhgac.letters.content import Letterhead, Signature, nfc


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


def signature_of_operator(body: Operator | None = None, own: Signature | None = None) -> Signature:
    """The signature block: ``own`` (a letter's own signer) when it names anyone, else the operator's usual signer
    (edited on the operator page; the layout writes authority and title in capitals)."""
    if own is not None and (own.authority or own.title or own.name):
        return Signature(nfc(own.authority), nfc(own.title), nfc(own.name))
    body = body or operator()
    return Signature(nfc(body.signer_authority), nfc(body.signer_title), nfc(body.signer_name))
