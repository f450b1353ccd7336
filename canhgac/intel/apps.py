from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "canhgac.intel"
    label = "intel"
    verbose_name = _("Threat feeds")

    def ready(self) -> None:
        from canhgac.core import schedule
        from canhgac.intel import jobs  # noqa: F401  (registers the feed import job)
        from canhgac.intel.services.pulling import CHECK_EVERY, pull_due_sources

        schedule.register("intel.pull_feeds", CHECK_EVERY, pull_due_sources)
