"""``canhgac feed source add|list|pull``: the sources pulled on schedule (``services/pulling.py``).

``add`` creates a source or changes the settings it names; ``pull`` fetches the named sources now (due or not),
or without names every enabled source whose interval has passed, as the periodic task does.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.audit import current_actor
from canhgac.core.management.base import print_table
from canhgac.findings.models import Severity
from canhgac.intel.models import FeedCategory, FeedSource
from canhgac.intel.parsers import parsers
from canhgac.intel.services.fetching import new_client
from canhgac.intel.services.mispfeed import MISP_FEED
from canhgac.intel.services.pulling import (
    describe_outcome,
    due_sources,
    interval_text,
    parse_interval,
    pull_source,
    save_source,
)


def add_source_parser(actions: Any) -> None:
    sources = actions.add_parser("source", help=_("the sources pulled on schedule: add, list, pull"))
    verbs = sources.add_subparsers(dest="verb", required=True, metavar="add|list|pull")
    adding = verbs.add_parser("add", help=_("add a source, or change the settings named"))
    adding.add_argument("name", metavar="NAME", help=_("e.g. vncert-botnet"))
    adding.add_argument("--url", help=_("where to pull the list from (https://…), or a MISP feed's directory"))
    adding.add_argument("--format", dest="pull_format", choices=sorted([*parsers(), MISP_FEED]),
                        help=_("the list's format (default: recognised from its content)"))
    adding.add_argument("--every", type=parse_interval, metavar="30m|6h|1d|1w", help=_("pull interval (default 1d)"))
    adding.add_argument("--label", help=_("a name for people"))
    adding.add_argument("--category", choices=FeedCategory.values, help=_("what being listed means"))
    adding.add_argument("--severity", choices=Severity.values, help=_("severity of its findings"))
    for flag, help_text in (("enabled", _("pulled on schedule (on by default when a URL is given)")),
                            ("allow-http", _("allow plain HTTP (default: HTTPS only)")),
                            ("auto-warn", _("send each batch's warnings at once, without the SOC's confirmation"))):
        group = adding.add_mutually_exclusive_group()
        group.add_argument(f"--{flag}", dest=flag.replace("-", "_"), action="store_true", default=None,
                           help=help_text)
        group.add_argument(f"--no-{flag}", dest=flag.replace("-", "_"), action="store_false")
    listing = verbs.add_parser("list", help=_("list the sources and their last pull"))
    listing.add_argument("--json", action="store_true", help=_("print as JSON"))
    pulling = verbs.add_parser("pull", help=_("pull sources now"))
    pulling.add_argument("names", nargs="*", metavar="NAME",
                         help=_("the sources to pull (default: every enabled source that is due)"))
    pulling.add_argument("--json", action="store_true", help=_("print the outcomes as JSON"))


def handle_source(command: Any, options: dict[str, Any]) -> None:
    verb = options["verb"]
    if verb == "add":
        source = add_source(options)
        command.stdout.write(_("Source %(name)s saved.") % {"name": source.name})
    elif verb == "list":
        list_sources(command, options["json"])
    else:
        pull(command, options["names"], options["json"])


def add_source(options: dict[str, Any]) -> FeedSource:
    source = FeedSource.objects.filter(name=options["name"]).first() or FeedSource(name=options["name"])
    for option, field in (("url", "url"), ("pull_format", "pull_format"), ("every", "pull_every"),
                          ("label", "label"), ("category", "category"), ("severity", "severity"),
                          ("enabled", "pull_enabled"), ("allow_http", "allow_http"), ("auto_warn", "auto_warn")):
        if options.get(option) is not None:
            setattr(source, field, options[option])
    if options.get("url") and options.get("enabled") is None and source.pk is None:
        source.pull_enabled = True
    if source.pull_enabled and not source.url:
        raise CommandError(_("A source pulled on schedule needs a URL (--url)."))
    return save_source(source)


def describe(source: FeedSource) -> dict[str, Any]:
    return {"name": source.name, "url": source.url, "format": source.pull_format, "enabled": source.pull_enabled,
            "every": interval_text(source.pull_every), "allow_http": source.allow_http, "auto_warn": source.auto_warn,
            "pulled_at": source.pulled_at.isoformat() if source.pulled_at else None, "etag": source.pull_etag,
            "last_modified": source.pull_last_modified, "error": source.pull_error}


def list_sources(command: Any, as_json: bool) -> None:
    rows = [describe(source) for source in FeedSource.objects.order_by("name")]
    if as_json:
        command.print_json(rows)
        return
    print_table(command.stdout.write, [_("source"), _("URL"), _("every"), _("on"), _("last pulled"), _("error")],
                [[row["name"], row["url"] or "—", row["every"], "✓" if row["enabled"] else "—",
                  row["pulled_at"] or "—", row["error"][:60]] for row in rows])


def pull(command: Any, names: list[str], as_json: bool) -> None:
    user = current_actor().user
    if names:
        found = {source.name: source for source in FeedSource.objects.filter(name__in=names)}
        missing = [name for name in names if name not in found]
        if missing:
            raise CommandError(_("No source named %(names)s.") % {"names": ", ".join(missing)})
        chosen = [found[name] for name in names]
    else:
        chosen = due_sources(timezone.now())  # here, not queued: the command ends when the pulls have
    with new_client() as client:
        outcomes = [pull_source(source, client=client, user=user) for source in chosen]
    if as_json:
        command.print_json([outcome.as_dict() for outcome in outcomes])
    else:
        for outcome in outcomes:
            command.stdout.write(describe_outcome(outcome))
    failed = [outcome for outcome in outcomes if outcome.state in ("failed", "busy")]
    if failed:
        raise CommandError(_("%(failed)d of %(total)d pulls failed.") % {"failed": len(failed),
                                                                          "total": len(outcomes)})

