from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem
from canhgac.findings.models import Finding

MENU: list[MenuItem] = [
    MenuItem("operations", _("Findings"), "findings:finding_list", model=Finding, order=10),
]
