from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem
from canhgac.notifications.models import Notice, UnitNotificationPreference

MENU: list[MenuItem] = [
    MenuItem("operations", _("Notices"), "notifications:notice_list", model=Notice, order=30),
    MenuItem("operations", _("Notification settings"), "notifications:preference_list",
             model=UnitNotificationPreference, order=40),
]
