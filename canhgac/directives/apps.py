from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "canhgac.directives"
    label = "directives"
    verbose_name = _("Directives")

    def ready(self) -> None:
        from canhgac.core import schedule
        from canhgac.directives import jobs  # noqa: F401  (registers the sending job)
        from canhgac.directives.services.reminding import send_reminders

        schedule.register("directives.send_reminders", timedelta(minutes=15), send_reminders)
