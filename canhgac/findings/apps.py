from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "canhgac.findings"
    label = "findings"
    verbose_name = _("Findings")

    def ready(self) -> None:
        from canhgac.findings import jobs  # noqa: F401  (registers the bulk-step job handler)
