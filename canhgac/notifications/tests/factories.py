import factory
from django.utils import timezone

from canhgac.constituency.tests.factories import UnitFactory
from canhgac.notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    Notice,
    NoticeAttachment,
    UnitNotificationPreference,
)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    unit = factory.SubFactory(UnitFactory)
    kind = "botnet_batch"
    dedup_key = factory.Sequence(lambda n: f"batch-{n}")
    subject = factory.Sequence(lambda n: f"Cảnh báo địa chỉ IP nằm trong mạng botnet (đợt {n})")
    body = "Kính gửi đơn vị,\nDanh sách địa chỉ IP bị nhiễm mã độc đính kèm.\n"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeAttachment

    notice = factory.SubFactory(NoticeFactory)
    name = "botnet.csv"
    content_type = "text/csv"
    content = b"ip,family\r\n203.113.1.5,mirai\r\n"
    size = factory.LazyAttribute(lambda attachment: len(attachment.content))


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notice = factory.SubFactory(NoticeFactory)
    channel = DeliveryChannel.EMAIL
    recipient = factory.Sequence(lambda n: f"daumoi{n}@example.gov.vn")
    state = DeliveryState.PENDING
    next_attempt_at = factory.LazyFunction(timezone.now)
    message_id = factory.Sequence(lambda n: f"<{n}.canhgac@canhgac.example>")


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitNotificationPreference

    unit = factory.SubFactory(UnitFactory)
