"""``canhgac user``: create, list, reset the password of, and deactivate accounts."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from canhgac.accounts.models import User
from canhgac.accounts.services import deactivate_user, save_user
from canhgac.constituency.models import Unit
from canhgac.core.access import Role
from canhgac.core.audit import snapshot
from canhgac.core.management.base import CanhgacCommand, find_user, print_table


def generated_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, ~90 bits; passes every configured validator


def units_by_code(codes: list[str]) -> list[Unit]:
    wanted = Q()
    for code in codes:
        wanted |= Q(code__iexact=code)  # codes are typed by hand; the register spells them in capitals
    found = {unit.code.lower(): unit for unit in Unit.objects.filter(wanted)} if codes else {}
    missing = [code for code in codes if code.lower() not in found]
    if missing:
        raise CommandError(_("No unit with the code: %(codes)s") % {"codes": ", ".join(missing)})
    return [found[code.lower()] for code in codes]


def user_dict(user: User) -> dict[str, Any]:
    return {"username": user.username, "full_name": user.full_name, "email": user.email, "role": user.role,
            "units": sorted(unit.code for unit in user.units.all()), "active": user.is_active,
            "last_login": user.last_login and user.last_login.isoformat()}


class Command(CanhgacCommand):
    help = _("Manage accounts: create, list, password, deactivate.")

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help=_("create an account"))
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--unit", action="append", default=[], metavar="CODE",
                            help=_("unit the officer answers for (repeat for several)"))
        create.add_argument("--email", default="")
        create.add_argument("--full-name", default="")
        create.add_argument("--password-stdin", action="store_true",
                            help=_("read the password from standard input instead of generating one"))
        listing = actions.add_parser("list", help=_("list accounts"))
        listing.add_argument("--json", action="store_true", help=_("print as JSON"))
        password = actions.add_parser("password", help=_("set a new password (generated unless --password-stdin)"))
        password.add_argument("username")
        password.add_argument("--password-stdin", action="store_true")
        deactivate = actions.add_parser("deactivate", help=_("stop an account from signing in or using tokens"))
        deactivate.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def new_password(self, options: dict[str, Any]) -> tuple[str, bool]:
        if not options["password_stdin"]:
            return generated_password(), True
        typed = sys.stdin.readline().rstrip("\r\n")
        if not typed:
            raise CommandError(_("No password on standard input."))
        return typed, False

    def do_create(self, options: dict[str, Any]) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(_("The account “%(name)s” already exists.") % {"name": options["username"]})
        units = units_by_code(options["unit"])
        password, generated = self.new_password(options)
        user = User(username=options["username"], role=options["role"], email=options["email"],
                    full_name=options["full_name"], is_staff=False)
        save_user(user, None, units=units, password=password)
        self.stdout.write(_("Created %(role)s account “%(name)s”.") % {"role": user.get_role_display(),
                                                                       "name": user.username})
        if generated:
            self.show_password(user.username, password)

    def show_password(self, username: str, password: str) -> None:
        self.stdout.write(_("Password for %(name)s (shown once, keep it safe): %(password)s")
                          % {"name": username, "password": password})

    def do_list(self, options: dict[str, Any]) -> None:
        users = list(User.objects.prefetch_related("units").order_by("username"))
        if options["json"]:
            self.print_json([user_dict(user) for user in users])
            return
        rows = [[u.username, u.role, ",".join(sorted(x.code for x in u.units.all())) or "-",
                 _("yes") if u.is_active else _("no"), u.full_name or "-"] for u in users]
        print_table(self.stdout.write, [_("username"), _("role"), _("units"), _("active"), _("name")], rows)

    def do_password(self, options: dict[str, Any]) -> None:
        user = find_user(options["username"])
        password, generated = self.new_password(options)
        save_user(user, snapshot(user), password=password)
        self.stdout.write(_("Password of “%(name)s” changed.") % {"name": user.username})
        if generated:
            self.show_password(user.username, password)

    def do_deactivate(self, options: dict[str, Any]) -> None:
        user = find_user(options["username"])
        if not deactivate_user(user):
            self.stdout.write(_("“%(name)s” was already deactivated.") % {"name": user.username})
            return
        self.stdout.write(_("“%(name)s” is deactivated.") % {"name": user.username})
