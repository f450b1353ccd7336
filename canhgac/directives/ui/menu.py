from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem
from canhgac.directives.models import Directive, Recipient

MENU: list[MenuItem] = [
    MenuItem("operations", _("Directives"), "directives:directive_list", model=Directive, order=50),
    MenuItem("operations", _("Received directives"), "directives:recipient_list", model=Recipient, order=55),
]
