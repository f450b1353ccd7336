"""``canhgac init``: create or upgrade the database and seed each app's starting data (idempotent)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from canhgac.core.management.base import CanhgacCommand

SEEDING_MODULE = "seeding"


def seed_apps() -> list[str]:
    """Run ``seed()`` of every app that has a ``seeding`` module; each returns what it created.

    Apps contribute their starting data by convention, so core needs to know none of them.
    """
    done: list[str] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("canhgac.") and module_has_submodule(app_config.module, SEEDING_MODULE):
            done += import_module(f"{app_config.name}.{SEEDING_MODULE}").seed()
    return done


class Command(CanhgacCommand):
    help = _("Create or upgrade the database, seed the national bodies and the operator (safe to repeat), "
             "and optionally create a SOC administrator.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--admin", metavar="USERNAME",
                            help=_("also create this SOC administrator and print a generated password once"))

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        for line in seed_apps():
            self.stdout.write(_("Seeded: %(what)s") % {"what": line})
        if options["admin"]:
            self.ensure_admin(options["admin"])
        if options["verbosity"] >= 1:
            self.stdout.write(_("Database ready."))

    def ensure_admin(self, username: str) -> None:
        if get_user_model().objects.filter(username=username).exists():
            self.stdout.write(_("The account “%(name)s” already exists; to set a new password run: "
                                "canhgac user password %(name)s") % {"name": username})
            return
        call_command("user", "create", username, "--role", "soc_admin", stdout=self.stdout._out)
