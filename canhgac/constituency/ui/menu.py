from django.utils.translation import gettext_lazy as _

from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Unit
from canhgac.core.ui.menus import MenuItem

MENU: list[MenuItem] = [
    MenuItem("registry", _("Units"), "constituency:unit_list", model=Unit, order=10),
    MenuItem("registry", _("Contacts"), "constituency:contact_list", model=Contact, order=20),
    MenuItem("registry", _("Netblocks"), "constituency:netblock_list", model=Netblock, order=30),
    MenuItem("registry", _("Domains"), "constituency:domain_list", model=Domain, order=40),
    MenuItem("registry", _("Assets"), "constituency:asset_list", model=Asset, order=50),
    MenuItem("registry", _("Information systems"), "constituency:informationsystem_list", model=InformationSystem,
             order=60),
    MenuItem("registry", _("Which unit owns an IP?"), "constituency:ip_lookup", model=Netblock, order=70),
]

# --- Import/export (transfer.py) and the operator page (operator.py) ---
from canhgac.constituency.models import Operator  # noqa: E402
from canhgac.constituency.ui.transfer import exportable_kinds, importable_kinds  # noqa: E402

MENU += [
    MenuItem("registry", _("Import"), "constituency:import", allowed=lambda user: bool(importable_kinds(user)),
             order=900),
    MenuItem("registry", _("Export"), "constituency:export", allowed=lambda user: bool(exportable_kinds(user)),
             order=910),
    MenuItem("system", _("Operator"), "constituency:operator_detail", model=Operator, order=200),
]
