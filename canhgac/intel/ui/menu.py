from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem
from canhgac.intel.models import FeedSource, Hit
from canhgac.intel.querysets import may_see_batches
from canhgac.intel.ui.upload import is_uploader

MENU: list[MenuItem] = [
    MenuItem("operations", _("Feed batches"), "intel:batch_list", allowed=may_see_batches, order=50),
    MenuItem("operations", _("Listed addresses"), "intel:address_list", model=Hit, order=51),
    MenuItem("operations", _("Feeds over time"), "intel:summary", allowed=may_see_batches, order=52),
    MenuItem("operations", _("Import a feed"), "intel:batch_upload", allowed=is_uploader, order=53),
    MenuItem("operations", _("Feed sources"), "intel:source_list", model=FeedSource, order=54),
]
