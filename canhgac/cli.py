"""The ``canhgac`` command: a thin front to our Django management commands.

It sets the settings module and runs one of *our* commands; Django's own (``runserver``, ``flush``…) are not
offered, so ``canhgac --help`` lists what an operator needs and nothing that could surprise them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "init": "create or upgrade the database; seed the national bodies and the operator",
    "serve": "start the web console and API (--demo: with the demo province and an admin account)",
    "demo": "load the demo province",
    "import": "import units, contacts, netblocks or assets from a CSV/XLSX file",
    "export": "export units, contacts, netblocks or assets as CSV/XLSX",
    "feed": "import threat feeds and botnet IP lists; match them to the units owning the addresses",
    "advisory": "import vulnerability advisories (KEV, CVE 5, NVD, CSAF, SOC warnings); match them with the inventory",
    "user": "manage accounts: create, list, password, deactivate",
    "token": "manage API tokens: create, list, revoke",
    "jobs": "list background jobs; show one and follow its progress",
    "worker": "run a Celery worker (needs CANHGAC_BROKER_URL)",
    "config": "print the configuration variables",
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: canhgac COMMAND [options]", "", "Canh Gác — provincial cyber-security operations platform.",
             "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "Run `canhgac COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    if args[0] == "--version":
        from canhgac import __version__

        print(f"canhgac {__version__}")
        return 0
    name = args[0]
    if name not in COMMANDS:
        print(f"canhgac: unknown command “{name}” (see canhgac --help)", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    return _run(name, args[1:])


def _run(name: str, args: list[str]) -> int:
    import django
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError
    from django.db import connections

    django.setup()
    command = load_command_class(get_commands()[name], name)
    command._called_from_command_line = True  # type: ignore[attr-defined]  # argparse errors print usage and exit 2 instead of raising
    options = vars(command.create_parser("canhgac", name).parse_args(args))
    positional = options.pop("args", ())
    try:
        command.execute(*positional, **options)
    except CommandError as error:
        if options.get("traceback"):
            raise
        print(f"canhgac {name}: {error}", file=sys.stderr)
        return error.returncode
    except KeyboardInterrupt:
        return 130
    finally:
        connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
