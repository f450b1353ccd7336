from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import Advisory, AdvisoryBatch, Exposure
from canhgac.core.access import ADD, may
from canhgac.core.ui.menus import MenuItem
from canhgac.findings.models import Finding

MENU: list[MenuItem] = [
    MenuItem("operations", _("Warnings for my units"), "advisories:warning_list", model=Exposure, order=20),
    MenuItem("operations", _("Overdue vulnerability fixes"), "advisories:overdue_list", model=Finding, order=25),
    MenuItem("operations", _("Advisories and warnings"), "advisories:advisory_list", model=Advisory, order=30),
    MenuItem("operations", _("Import advisories"), "advisories:advisory_import",
             allowed=lambda user: may(user, ADD, AdvisoryBatch), order=32),
    MenuItem("operations", _("Warning from data"), "advisories:warning_from_data",
             allowed=lambda user: may(user, ADD, AdvisoryBatch), order=34),
]
