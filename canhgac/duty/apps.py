from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "canhgac.duty"
    label = "duty"
    verbose_name = _("24/7 duty")

    def ready(self) -> None:
        from canhgac.core import schedule
        from canhgac.duty.services import detect_duty_gaps

        schedule.register("duty.detect_gaps", timedelta(minutes=1), detect_duty_gaps)
