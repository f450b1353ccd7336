"""DOCX to PDF with LibreOffice, headless, each conversion in its own throw-away profile.

A profile of its own per call lets conversions run side by side (two ``soffice`` sharing a profile wait on its
lock or hand the work to the first one) and leaves nothing behind in the home directory of the service user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
              "/opt/libreoffice/program/soffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice")
TIMEOUT = 120


class ConversionError(RuntimeError):
    """LibreOffice is missing or could not convert the document; the message says which and how to fix it."""


def find_soffice(candidates: tuple[str, ...] | None = None) -> str | None:
    """The LibreOffice binary: the first of the usual names and places found."""
    for candidate in CANDIDATES if candidates is None else candidates:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def to_pdf(docx: bytes, timeout: float = TIMEOUT) -> bytes:
    """The PDF of a DOCX document. Raises :class:`ConversionError` when LibreOffice is absent or fails."""
    if not docx.startswith(b"PK\x03\x04"):
        raise ConversionError("Not a DOCX document (a DOCX file is a ZIP package): nothing to convert.")
    binary = find_soffice()
    if binary is None:
        raise ConversionError("LibreOffice is not installed (no soffice found): install it, e.g. "
                              "`apt-get install libreoffice-writer-nogui`, to make PDF letters; DOCX still works.")
    with tempfile.TemporaryDirectory(prefix="canhgac-letter-") as work:
        folder = Path(work)
        source = folder / "letter.docx"
        source.write_bytes(docx)
        command = [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)]
        try:
            finished = subprocess.run(command, capture_output=True, timeout=timeout, check=False,  # noqa: S603
                                      env={**os.environ, "HOME": work})
        except subprocess.TimeoutExpired as error:
            raise ConversionError(f"LibreOffice did not convert the letter within {timeout:.0f} s.") from error
        produced = folder / "out" / "letter.pdf"
        if finished.returncode != 0 or not produced.is_file():
            said = (finished.stderr or finished.stdout).decode("utf-8", "replace").strip()[-500:]
            raise ConversionError(f"LibreOffice could not convert the letter (exit {finished.returncode}): "
                                  f"{said or 'no output'}")
        return produced.read_bytes()
