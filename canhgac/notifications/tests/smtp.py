"""Starting, stopping and reading the test SMTP server (see ``smtp_sink.py``)."""

from __future__ import annotations

import email
import email.policy
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

START_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    port: int
    directory: Path
    certificate: tuple[Path, Path] | None = None
    """Certificate and key files: the server then offers STARTTLS and requires it before accepting mail."""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        assert self.process is None, "already running"
        tls = ["--tlscert", str(self.certificate[0]), "--tlskey", str(self.certificate[1])] if self.certificate else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}", *tls,
             "-c", "canhgac.notifications.tests.smtp_sink.Mailbox", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the SMTP server stopped: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(3) == b"220":
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the SMTP server did not start listening")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None

    def messages(self) -> list[EmailMessage]:
        files = sorted(self.directory.glob("*.eml"))
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
                for path in files]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no authority signed (openssl, as on every Debian machine)."""
    certificate, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)
    return certificate, key
