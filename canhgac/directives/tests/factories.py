import datetime

import factory
from django.utils import timezone

from canhgac.constituency.models import Operator
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.directives.models import (
    Directive,
    DirectiveTask,
    Evidence,
    Recipient,
    RecipientGroup,
    ReportState,
    TaskReport,
)


def operator() -> Operator:
    found = Operator.objects.first()
    return found or Operator.objects.create(
        governing_body="UBND TỈNH LAM SƠN", name="Sở Khoa học và Công nghệ", abbreviation="SKHCN",
        province="Lam Sơn", place="Lam Sơn", soc_team_name="Đội ứng cứu sự cố an toàn thông tin mạng tỉnh Lam Sơn")


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    number = factory.Sequence(lambda n: f"{100 + n}/SKHCN-CNTT")
    issued_on = datetime.date(2026, 4, 18)
    subject = "tăng cường bảo đảm an toàn thông tin mạng trong dịp nghỉ lễ 30/4 và 1/5 năm 2026"
    reference_number = "1353/BTTTT-CATTT"
    reference_date = datetime.date(2022, 4, 18)
    reference_issuer = "Bộ Thông tin và Truyền thông"
    period_start = datetime.date(2026, 4, 30)
    period_end = datetime.date(2026, 5, 3)
    report_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    signer_authority = "KT. GIÁM ĐỐC"
    signer_title = "PHÓ GIÁM ĐỐC"
    signer_name = "Nguyễn Văn An"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecipientGroup

    directive = factory.SubFactory(DirectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = "Các sở, ban, ngành"
    unit_kinds = factory.LazyFunction(lambda: ["department"])


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectiveTask

    group = factory.SubFactory(GroupFactory)
    directive = factory.SelfAttribute("group.directive")
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nhiệm vụ {n}")
    text = "Bố trí cán bộ trực 24/7 trong thời gian nghỉ lễ."


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    directive = factory.SubFactory(DirectiveFactory, state="sent")
    unit = factory.SubFactory(UnitFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskReport

    recipient = factory.SubFactory(RecipientFactory)
    task = factory.SubFactory(TaskFactory, group__directive=factory.SelfAttribute("...recipient.directive"))
    state = ReportState.PENDING


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    report = factory.SubFactory(ReportFactory)
    file = factory.django.FileField(filename="bien-ban.pdf", data=b"%PDF-1.4 test")
    name = "bien-ban.pdf"
    content_type = "application/pdf"
    size = 13
    sha256 = "0" * 64
