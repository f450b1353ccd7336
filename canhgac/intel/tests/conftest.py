"""Fixtures of the feeds' tests: ``feeds``, two monthly lists imported through the real job (``viewdata.py``);
``server``, a real local HTTP server to pull from (``httpfeed.py``); ``feed_cli``, the installed command on a data
directory of its own with units and netblocks (a copy of one initialised once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from canhgac.constituency.tests.data.builders import csv_bytes
from canhgac.core.tests.cli_runner import Cli, initialised, prepared_copy
from canhgac.intel.tests.httpfeed import FeedServer
from canhgac.intel.tests.viewdata import feeds

__all__ = ["feeds"]

CLI_UNITS = csv_bytes([["Mã đơn vị", "Tên đơn vị", "Đơn vị cha"], ["SO-KHCN", "Sở Khoa học và Công nghệ", ""],
                       ["TT-CNTT", "Trung tâm CNTT", "SO-KHCN"], ["BV-DK", "Bệnh viện Đa khoa tỉnh", ""]])
CLI_NETBLOCKS = csv_bytes([["Mã đơn vị", "Dải IP"], ["SO-KHCN", "203.113.0.0/16"], ["SO-KHCN", "87.236.211.0/24"],
                           ["TT-CNTT", "203.113.128.0/24"], ["BV-DK", "2001:ee0:4f00::/48"]])
"""Three units: SO-KHCN owns 203.113.0.0/16 (but its sub-unit's /24) and 87.236.211.0/24, BV-DK an IPv6 /48."""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    running = FeedServer().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def feed_cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feed-cli-template")
    (folder / "units.csv").write_bytes(CLI_UNITS)
    (folder / "netblocks.csv").write_bytes(CLI_NETBLOCKS)
    return initialised(folder / "data", ("import", "units", str(folder / "units.csv")),
                       ("import", "netblocks", str(folder / "netblocks.csv")))


@pytest.fixture
def feed_cli(feed_cli_template: Path, tmp_path: Path) -> Cli:
    return prepared_copy(feed_cli_template, tmp_path / "data")
