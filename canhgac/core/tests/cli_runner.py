"""Running the real ``canhgac`` entry point in a subprocess, on its own SQLite data directory.

The test database of pytest-django is not the one a subprocess sees, so these tests give each run a data
directory (copied from one initialised once per session, which saves the migrations) and read its database
file directly where they need to look behind the command's output.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTRY_POINT = Path(sys.executable).with_name("canhgac")  # the console script pip installed from pyproject
TIMEOUT = 120


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        # Defaults only: no database URL, broker or settings inherited from the test run's environment.
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("CANHGAC_", "DJANGO_"))}
        self.env["CANHGAC_DATA_DIR"] = str(data_dir)

    def command(self, *args: str) -> list[str]:
        return [str(ENTRY_POINT), *args]

    def __call__(self, *args: str, stdin: bytes | None = None) -> Result:
        done = subprocess.run(self.command(*args), input=stdin if stdin is not None else b"", capture_output=True,
                              env=self.env, cwd=self.data_dir.parent, timeout=TIMEOUT, check=False)
        return Result(done.returncode, done.stdout.decode("utf-8", "replace"),
                      done.stderr.decode("utf-8", "replace"), done.stdout)

    def ok(self, *args: str, stdin: bytes | None = None) -> Result:
        result = self(*args, stdin=stdin)
        assert result.returncode == 0, f"canhgac {' '.join(args)} → {result.returncode}\n{result.stderr}"
        return result

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of the data directory's database (read-only)."""
        uri = f"file:{self.data_dir / 'canhgac.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True) as connection:
            return connection.execute(sql, params).fetchall()


def prepared_copy(template: Path, target: Path) -> Cli:
    shutil.copytree(template, target)
    return Cli(target)


def initialised(directory: Path, *commands: tuple[str, ...]) -> Path:
    """A data directory after ``canhgac init`` and then ``commands``, to copy into each test."""
    cli = Cli(directory)
    cli.ok("init")
    for command in commands:
        cli.ok(*command)
    return directory
