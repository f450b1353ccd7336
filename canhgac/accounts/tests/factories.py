import factory

from canhgac.accounts.models import User
from canhgac.core.access import Role

PASSWORD = "Mật-khẩu-thử-nghiệm-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.gov.vn")
    role = Role.SOC_ANALYST
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def units(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.units.set(extracted)
        if create:
            self.save()
