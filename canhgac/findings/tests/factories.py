import factory

from canhgac.constituency.tests.factories import UnitFactory
from canhgac.findings.models import Finding, Severity


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    unit = factory.SubFactory(UnitFactory)
    source = "botnet"
    dedup_key = factory.Sequence(lambda n: f"203.113.{n // 256 % 256}.{n % 256}")
    title = factory.LazyAttribute(lambda finding: f"Botnet-listed address {finding.dedup_key}")
    severity = Severity.HIGH
