import factory

from canhgac.constituency.addressing import parse_block
from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Unit, UnitKind


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    kind = UnitKind.DEPARTMENT


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.Sequence(lambda n: f"canbo{n}@example.gov.vn")
    focal_point = True


class NetblockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Netblock

    unit = factory.SubFactory(UnitFactory)
    block = factory.Sequence(lambda n: f"203.113.{n % 256}.0/24")

    @factory.lazy_attribute
    def version(self) -> int:
        return parse_block(self.block).version

    @factory.lazy_attribute
    def first_key(self) -> str:
        return parse_block(self.block).keys[0]

    @factory.lazy_attribute
    def last_key(self) -> str:
        return parse_block(self.block).keys[1]

    @factory.lazy_attribute
    def span_key(self) -> str:
        return parse_block(self.block).keys[2]


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"donvi{n}.example.gov.vn")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"srv-{n:04d}")
    hostname = factory.LazyAttribute(lambda asset: f"{asset.name}.example.gov.vn")


class InformationSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationSystem

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Hệ thống {n}")
    security_level = 2
