from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from canhgac.directives.tests.factories import operator


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Evidence files go to a directory of the test's own."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def body(db: None) -> Any:
    """The operator: its letterhead heads every letter."""
    return operator()
