from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in their English source form (the console's default language is Vietnamese)."""
    with translation.override("en"):
        yield


from canhgac.advisories.tests.ui_world import console, exposed  # noqa: E402, F401  (the console tests' fixtures)
