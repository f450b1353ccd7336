"""``canhgac config``: the CANHGAC_* variables, their current values and meaning."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from canhgac import config
from canhgac.core.management.base import CanhgacCommand, print_table

SECRET_NAMES = {"CANHGAC_SECRET_KEY", "CANHGAC_DATABASE_URL", "CANHGAC_BROKER_URL", "CANHGAC_SMTP_PASSWORD"}


def shown_value(setting: config.Setting) -> str:
    value = setting.read()
    if isinstance(value, list):
        value = ",".join(value)
    if setting.name in SECRET_NAMES and value:
        return "(set)"  # URLs may carry passwords; the key is a secret
    return str(value)


class Command(CanhgacCommand):
    help = _("Print the configuration variables (CANHGAC_*), their current values and meaning.")

    def add_arguments(self, parser: Any) -> None:
        shape = parser.add_mutually_exclusive_group()
        shape.add_argument("--markdown", action="store_true", help=_("print the README table (defaults)"))
        shape.add_argument("--json", action="store_true", help=_("print as JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(config.markdown_table())
            return
        rows = [[setting.name, shown_value(setting), setting.description] for setting in config.SETTINGS]
        if options["json"]:
            self.print_json([dict(zip(("name", "value", "description"), row, strict=True)) for row in rows])
            return
        print_table(self.stdout.write, [_("variable"), _("value"), _("meaning")], rows)
