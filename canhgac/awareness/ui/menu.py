from django.utils.translation import gettext_lazy as _

from canhgac.awareness.models import Bulletin
from canhgac.core.ui.menus import MenuItem

MENU: list[MenuItem] = [
    MenuItem("operations", _("Awareness bulletins"), "awareness:bulletin_list", model=Bulletin, order=70),
]
