"""Every ``CANHGAC_*`` setting, declared once with its type, default and description.

The settings module reads values through :func:`value`; ``canhgac config --markdown`` prints the README table
from :data:`SETTINGS`, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRUE_WORDS = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type
    default: Any
    description: str

    def read(self) -> Any:
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            return self.default
        if self.kind is bool:
            return raw.strip().lower() in TRUE_WORDS
        if self.kind is int:
            try:
                return int(raw)
            except ValueError as error:
                raise ValueError(f"{self.name} must be a whole number, got {raw!r}") from error
        if self.kind is list:
            return [part.strip() for part in raw.split(",") if part.strip()]
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting("CANHGAC_DATA_DIR", str, str(Path.home() / ".canhgac"),
            "Directory for the SQLite database, the generated secret key and uploaded files."),
    Setting("CANHGAC_DATABASE_URL", str, "",
            "Database URL, e.g. postgresql://user@127.0.0.1:5432/canhgac. Empty: SQLite (WAL) in the data dir."),
    Setting("CANHGAC_BROKER_URL", str, "",
            "Celery broker, e.g. redis://127.0.0.1:6379/0. Empty: jobs run in-process, no server needed."),
    Setting("CANHGAC_SECRET_KEY", str, "",
            "Django secret key. Empty: a random key is generated once and kept in the data dir."),
    Setting("CANHGAC_DEBUG", bool, False, "Debug mode. Never in production."),
    Setting("CANHGAC_ALLOWED_HOSTS", list, ["127.0.0.1", "localhost"], "Comma-separated host names served."),
    Setting("CANHGAC_SITE_URL", str, "http://127.0.0.1:8000",
            "Public address of the console, e.g. https://canhgac.example.gov.vn: the links in e-mailed notices."),
    Setting("CANHGAC_SECURE_COOKIES", bool, False,
            "Send session and CSRF cookies only over HTTPS. Turn on behind TLS (production)."),
    Setting("CANHGAC_TIME_ZONE", str, "Asia/Ho_Chi_Minh", "Time zone for display and schedules."),
    Setting("CANHGAC_LOGIN_FAILURE_LIMIT", int, 5, "Failed logins from one user+IP before a lock-out."),
    Setting("CANHGAC_LOGIN_COOLOFF_MINUTES", int, 15, "Minutes a locked-out login stays locked."),
    Setting("CANHGAC_SESSION_HOURS", int, 8, "Hours an idle console session stays valid."),
    Setting("CANHGAC_MAX_UPLOAD_MB", int, 100, "Largest import file accepted, in megabytes."),
    Setting("CANHGAC_SMTP_HOST", str, "",
            "Mail server that sends notices by e-mail. Empty: notices only appear in the console; their e-mail waits."),
    Setting("CANHGAC_SMTP_PORT", int, 587, "Mail server port."),
    Setting("CANHGAC_SMTP_USER", str, "", "User name on the mail server. Empty: no login."),
    Setting("CANHGAC_SMTP_PASSWORD", str, "", "Password on the mail server."),
    Setting("CANHGAC_SMTP_STARTTLS", bool, True,
            "Encrypt with STARTTLS before logging in and sending. Turn off only for a relay on this machine."),
    Setting("CANHGAC_SMTP_FROM", str, "canhgac@localhost",
            "Sender of notices, e.g. Canh Gác <soc@example.gov.vn>; its domain also names the Message-IDs."),
    Setting("CANHGAC_CORPORA", str, "", "Path of the shared public corpora (tests and benchmarks only)."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def value(name: str) -> Any:
    return _BY_NAME[name].read()


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = ",".join(setting.default) if isinstance(setting.default, list) else setting.default
        if setting.name == "CANHGAC_DATA_DIR":
            default = "~/.canhgac"
        shown = f"`{default}`" if default != "" else "(empty)"
        lines.append(f"| `{setting.name}` | {shown} | {setting.description} |")
    return "\n".join(lines)
