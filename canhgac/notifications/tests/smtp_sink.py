"""A real SMTP server for the tests: aiosmtpd in its own process (``python -m aiosmtpd``) with this handler.

Each accepted message is written to a file in the directory named on the command line, so the test reads exactly
what went over the wire. Recipients whose local part starts with ``refused`` get a permanent 550, those starting
with ``busy`` a temporary 450, as a real server answers unknown and over-quota mailboxes.
"""

from __future__ import annotations

import os
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any


class Mailbox:
    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_cli(cls, parser: ArgumentParser, *args: str) -> Mailbox:
        if len(args) != 1:
            parser.error("Mailbox takes the directory to write messages to")
        return cls(args[0])

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox here"
        if address.startswith("busy"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{os.getpid()}"
        partial = self.directory / f"{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / f"{name}.eml")  # a reader never sees half a message
        return "250 2.0.0 Message accepted for delivery"
