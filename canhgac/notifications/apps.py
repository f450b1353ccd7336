from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "canhgac.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from canhgac.core import schedule
        from canhgac.notifications.services import deliver_pending

        schedule.register("notifications.deliver_pending", timedelta(minutes=1), deliver_pending)
