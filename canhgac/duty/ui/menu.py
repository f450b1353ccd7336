from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem
from canhgac.duty.models import DutyAlert, DutyPerson, Roster

MENU: list[MenuItem] = [
    MenuItem("operations", _("On duty now"), "duty:now", model=Roster, order=60),
    MenuItem("operations", _("Duty rosters"), "duty:roster_list", model=Roster, order=61),
    MenuItem("operations", _("People on duty"), "duty:person_list", model=DutyPerson, order=62),
    MenuItem("operations", _("Duty alerts"), "duty:alert_list", model=DutyAlert, order=63),
]
