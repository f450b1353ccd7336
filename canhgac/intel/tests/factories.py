"""Feed rows for tests that need a batch without reading a file (the access matrix); imports themselves are tested
through the real job (``test_importing.py``)."""

import hashlib
import ipaddress

import factory

from canhgac.constituency.tests.factories import UnitFactory
from canhgac.intel.models import FeedBatch, FeedSource, Hit


class FeedSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedSource
        django_get_or_create = ("name",)

    name = "vncert-botnet"


class FeedBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedBatch

    source = factory.SubFactory(FeedSourceFactory)
    reference = factory.Sequence(lambda n: f"{n}/VNCERT-ĐPƯC")
    period = "2026-03"
    filename = "botnet.txt"
    format = "plain"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    lines = valid = matched = units_affected = 1


class HitFactory(factory.django.DjangoModelFactory):
    """An IPv4 address hit; ``indicator`` sets the keys."""

    class Meta:
        model = Hit

    batch = factory.SubFactory(FeedBatchFactory)
    unit = factory.SubFactory(UnitFactory)
    indicator = factory.Sequence(lambda n: f"203.113.{n // 256 % 256}.{n % 256}")
    version = 4
    block = "203.113.0.0/16"
    first_key = factory.LazyAttribute(lambda hit: _key(hit.indicator))
    last_key = factory.LazyAttribute(lambda hit: _key(hit.indicator))


def _key(text: str) -> str:
    return f"{int(ipaddress.ip_address(text)):032x}"
