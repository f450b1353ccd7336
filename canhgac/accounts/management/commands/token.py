"""``canhgac token``: API tokens (``Authorization: Token …``) — create (key shown once), list, revoke."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.accounts.models import ApiToken
from canhgac.accounts.tokens import issue_token, revoke_token
from canhgac.core.management.base import USAGE_ERROR, CanhgacCommand, find_user, print_table

MAX_EXPIRY_DAYS = 3650


def token_dict(token: ApiToken) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {"prefix": token.prefix, "name": token.name, "user": token.user.username, "read_only": token.read_only,
            "usable": token.is_usable, "created_at": when(token.created_at), "expires_at": when(token.expires_at),
            "last_used_at": when(token.last_used_at), "revoked_at": when(token.revoked_at)}


class Command(CanhgacCommand):
    help = _("Manage API tokens: create (the key is shown once), list, revoke.")

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help=_("issue a token acting as USERNAME"))
        create.add_argument("username")
        create.add_argument("--name", required=True, help=_("what the token is for, e.g. log-shipper"))
        create.add_argument("--read-only", action="store_true", help=_("the token may only read"))
        create.add_argument("--expires-days", type=int, metavar="N", help=_("expire after N days"))
        listing = actions.add_parser("list", help=_("list tokens (of one user)"))
        listing.add_argument("username", nargs="?")
        listing.add_argument("--json", action="store_true", help=_("print as JSON"))
        revoke = actions.add_parser("revoke", help=_("revoke the token whose key starts with PREFIX"))
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_create(self, options: dict[str, Any]) -> None:
        user = find_user(options["username"])
        days = options["expires_days"]
        if days is not None and not 0 < days <= MAX_EXPIRY_DAYS:
            raise CommandError(_("--expires-days must be 1–%(max)d.") % {"max": MAX_EXPIRY_DAYS},
                               returncode=USAGE_ERROR)
        if not options["name"].strip() or len(options["name"]) > (ApiToken._meta.get_field("name").max_length or 0):
            raise CommandError(_("--name must be 1–100 characters."), returncode=USAGE_ERROR)
        expires = timezone.now() + timedelta(days=days) if days else None
        token, raw = issue_token(user, options["name"].strip(), read_only=options["read_only"], expires_at=expires)
        self.stdout.write(_("Token “%(name)s” (%(prefix)s…) for %(user)s. The key is shown once:")
                          % {"name": token.name, "prefix": token.prefix, "user": user.username})
        self.stdout.write(raw)

    def do_list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at")
        if options["username"]:
            tokens = tokens.filter(user=find_user(options["username"]))
        found = list(tokens)
        if options["json"]:
            self.print_json([token_dict(token) for token in found])
            return
        rows = [[t.prefix, t.user.username, t.name, _("read-only") if t.read_only else _("read-write"),
                 _("usable") if t.is_usable else _("revoked/expired"), f"{t.created_at:%Y-%m-%d}"] for t in found]
        print_table(self.stdout.write, [_("prefix"), _("user"), _("name"), _("access"), _("state"), _("created")],
                    rows)

    def do_revoke(self, options: dict[str, Any]) -> None:
        prefix = options["prefix"].strip().removeprefix("cg_")[:8]
        if len(prefix) < 4:
            raise CommandError(_("Give at least the first 4 characters of the token prefix."), returncode=USAGE_ERROR)
        matches = list(ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
        if not matches:
            raise CommandError(_("No active token starts with “%(prefix)s”.") % {"prefix": prefix})
        if len(matches) > 1:
            raise CommandError(_("“%(prefix)s” matches %(count)d tokens; give more of the prefix.")
                               % {"prefix": prefix, "count": len(matches)})
        revoke_token(matches[0])
        self.stdout.write(_("Revoked token “%(name)s” (%(prefix)s…).") % {"name": matches[0].name,
                                                                           "prefix": matches[0].prefix})
