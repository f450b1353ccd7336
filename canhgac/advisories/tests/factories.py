import zlib

import factory

from canhgac.advisories.models import Advisory, AdvisoryBatch, AdvisorySource, Exposure, Vulnerability
from canhgac.constituency.tests.factories import AssetFactory


class VulnerabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vulnerability

    identifier = factory.Sequence(lambda n: f"CVE-2024-{n + 10000}")
    title = factory.Sequence(lambda n: f"Lỗ hổng {n}")


class AdvisoryBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisoryBatch

    format = "cve5"
    filename = factory.Sequence(lambda n: f"cve-{n}.json")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class AdvisoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisory
        skip_postgeneration_save = True

    source = AdvisorySource.CVE5
    source_id = factory.Sequence(lambda n: f"CVE-2024-{n + 10000}")
    title = factory.Sequence(lambda n: f"Cảnh báo {n}")
    digest = factory.Sequence(lambda n: f"{n:064x}")
    raw = zlib.compress(b"{}")

    @factory.post_generation
    def vulnerabilities(self, create: bool, extracted: list[Vulnerability] | None, **kwargs: object) -> None:
        if create:
            self.vulnerabilities.add(*(extracted or [VulnerabilityFactory(identifier=self.source_id)]))


class ExposureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exposure

    vulnerability = factory.SubFactory(VulnerabilityFactory)
    asset = factory.SubFactory(AssetFactory)
    unit = factory.SelfAttribute("asset.unit")
    product = "vmware:spring_framework"
    label = "VMware Spring Framework"
    version = "5.3.17"
    rules = ""
