import factory
from django.utils import timezone

from canhgac.awareness.models import Audience, Bulletin, BulletinAttachment, BulletinKind, BulletinRecipient, Topic
from canhgac.constituency.tests.factories import UnitFactory

QUIZ = """Tin nhắn báo trúng thưởng, yêu cầu chuyển phí nhận quà là gì?
- Quà tặng thật của nhà mạng
* Lừa đảo
- Thông báo của ngân hàng

Nên làm gì với đường link lạ trong thư điện tử?
* Không bấm, báo cho bộ phận CNTT
- Bấm thử để xem
"""


class BulletinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bulletin

    title = factory.Sequence(lambda n: f"Cảnh giác cuộc gọi giả danh công an số {n}")
    kind = BulletinKind.WARNING
    topic = Topic.SCAM
    body = "Đối tượng gọi điện giả danh cơ quan công an.\n\nKhông chuyển tiền, không cung cấp mã OTP."
    audience = Audience.ALL


class PublishedBulletinFactory(BulletinFactory):
    """Published to one unit (``recipient``) without going through the service (no notice)."""

    published_at = factory.LazyFunction(timezone.now)
    recipient = factory.RelatedFactory("canhgac.awareness.tests.factories.RecipientFactory", "bulletin")


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinRecipient

    bulletin = factory.SubFactory(BulletinFactory)
    unit = factory.SubFactory(UnitFactory)


class BulletinAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinAttachment

    bulletin = factory.SubFactory(BulletinFactory)
    name = "to-roi.pdf"
    content_type = "application/pdf"
    content = b"%PDF-1.4 leaflet"
    size = 16
