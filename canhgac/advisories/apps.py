from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoriesConfig(AppConfig):
    name = "canhgac.advisories"
    label = "advisories"
    verbose_name = _("Vulnerability advisories")

    def ready(self) -> None:
        from canhgac.advisories import jobs, signals
        from canhgac.core import schedule

        signals.connect()
        schedule.register("advisories.match", timedelta(hours=1), jobs.match_if_inventory_changed)
