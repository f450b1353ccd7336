"""``canhgac demo``: load the invented province of Lam Sơn into an empty registry."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from canhgac.constituency.demo.loading import DEFAULT_SEED, load_demo, registry_is_empty
from canhgac.constituency.models import Unit
from canhgac.core.management.base import CanhgacCommand, progress_bar


class Command(CanhgacCommand):
    help = _("Load the demo province (about 60 units, their contacts, netblocks in Vietnamese address space, "
             "2,000 assets with their software, domains and information systems) into an empty registry.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=_("the same seed always gives the same province (default %(default)s)"))
        parser.add_argument("--if-empty", action="store_true",
                            help=_("do nothing, successfully, when the registry already has units"))
        parser.add_argument("--json", action="store_true", help=_("print what was loaded as JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("init", verbosity=0, stdout=self.stdout._out)
        if not registry_is_empty():
            count = Unit.objects.count()
            if options["if_empty"]:
                if options["json"]:
                    self.print_json({"loaded": False, "existing_units": count})
                elif options["verbosity"] >= 1:
                    self.stdout.write(_("The registry already has %(count)d units; the demo province was not "
                                        "loaded.") % {"count": count})
                return
            raise CommandError(_("The registry already has %(count)d units: the demo province loads only into an "
                                 "empty registry (use a new CANHGAC_DATA_DIR).") % {"count": count})
        with progress_bar(_("Loading the demo province"), unit=_("steps")) as update:
            report = load_demo(options["seed"], progress=update)
        if options["json"]:
            self.print_json({"loaded": True, **report.as_dict()})
            return
        self.stdout.write(_("Demo province loaded in %(seconds).1f s: %(units)d units, %(contacts)d contacts, "
                            "%(netblocks)d netblocks, %(assets)d assets (%(software)d software items), "
                            "%(domains)d domains, %(systems)d information systems.") % report.as_dict())
