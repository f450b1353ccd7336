from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstituencyConfig(AppConfig):
    name = "canhgac.constituency"
    label = "constituency"
    verbose_name = _("Unit registry")

    def ready(self) -> None:
        from canhgac.constituency import jobs  # noqa: F401  (registers the import job handlers)
