import datetime

import factory

from canhgac.constituency.tests.factories import UnitFactory
from canhgac.duty.models import (
    AlertKind,
    Assignment,
    DutyAlert,
    DutyPerson,
    LogEntry,
    Roster,
    Shift,
    ShiftPattern,
    SwapRequest,
)

HCM = datetime.timezone(datetime.timedelta(hours=7))


class RosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roster

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Trực lễ 30/4 – 1/5 số {n}")
    starts_on = datetime.date(2026, 4, 30)
    ends_on = datetime.date(2026, 5, 1)
    pattern = ShiftPattern.THREE_EIGHT
    holiday = True


class DutyPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyPerson

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Lê Văn Trực {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    roster = factory.SubFactory(RosterFactory)
    starts_at = factory.Sequence(lambda n: datetime.datetime(2026, 4, 30, 7, tzinfo=HCM)
                                 + datetime.timedelta(hours=8 * n))
    ends_at = factory.LazyAttribute(lambda shift: shift.starts_at + datetime.timedelta(hours=8))
    number = 1


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    shift = factory.SubFactory(ShiftFactory)
    person = factory.SubFactory(DutyPersonFactory, unit=factory.SelfAttribute("..shift.roster.unit"))


class LogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogEntry

    roster = factory.SubFactory(RosterFactory)
    text = "Kiểm tra cổng thông tin: bình thường."


class SwapRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SwapRequest

    offered = factory.SubFactory(AssignmentFactory)
    taker = factory.SubFactory(DutyPersonFactory, unit=factory.SelfAttribute("..offered.shift.roster.unit"))


class DutyAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyAlert

    shift = factory.SubFactory(ShiftFactory)
    kind = AlertKind.UNSTAFFED
