from django.utils.translation import gettext_lazy as _

from canhgac.core.access import may_manage_accounts, role_of
from canhgac.core.ui.menus import MenuItem


def _signed_in(user: object) -> bool:
    return role_of(user) is not None


MENU: list[MenuItem] = [
    MenuItem("user", _("My API tokens"), "accounts:token_list", allowed=_signed_in, order=100),
    MenuItem("user", _("Change password"), "accounts:password_change", allowed=_signed_in, order=110),
    MenuItem("system", _("Users"), "accounts:user_list", allowed=may_manage_accounts, order=50),
]
