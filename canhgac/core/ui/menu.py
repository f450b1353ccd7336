from django.utils.translation import gettext_lazy as _

from canhgac.core.access import may_view_audit, role_of
from canhgac.core.ui.menus import MenuItem

MENU: list[MenuItem] = [
    MenuItem("system", _("Jobs"), "core:job_list", allowed=lambda user: role_of(user) is not None, order=100),
    MenuItem("system", _("Audit log"), "core:audit_list", allowed=may_view_audit, order=110),
]
