"""Shared fixtures: a small province with an officer's own unit (and its sub-unit) and another unit.

The access matrix and most tests use these: ``own_unit`` ⊃ ``own_subunit`` belong to ``officer``;
``other_unit`` belongs to nobody the officer knows.

Environments are chosen by markers: ``postgres`` tests need ``CANHGAC_DATABASE_URL=postgresql://…``, ``redis``
tests a broker in ``CANHGAC_TEST_BROKER_URL``. Elsewhere they are skipped with the reason; with
``CANHGAC_CI_NO_SKIP=1`` (``scripts/test``, and so CI) any skip is a failure, so that nothing is quietly left out:
there, a pass that cannot run a marker deselects it explicitly (``-m "not postgres"``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from canhgac.accounts.tests.factories import PASSWORD, UserFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role

CORPORA = Path(os.environ.get("CANHGAC_CORPORA") or Path(__file__).resolve().parent.parent / "shared" / "corpora")
TEST_BROKER_URL = os.environ.get("CANHGAC_TEST_BROKER_URL", "")
NO_SKIP = os.environ.get("CANHGAC_CI_NO_SKIP", "") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set CANHGAC_DATABASE_URL=postgresql://…"))
        if "redis" in item.keywords and not TEST_BROKER_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set CANHGAC_TEST_BROKER_URL=redis://…"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if NO_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped where nothing may be skipped (CANHGAC_CI_NO_SKIP=1): {reason}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Skips outside a test (a module skipped while collecting) fail the run too."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if NO_SKIP and reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.fail(f"the shared corpora are missing at {CORPORA} (set CANHGAC_CORPORA)")
    return CORPORA


@dataclass
class Province:
    own_unit: object
    own_subunit: object
    other_unit: object


@pytest.fixture
def province(db: None) -> Province:
    own = UnitFactory(code="SO-TTTT", name="Sở Thông tin và Truyền thông")
    sub = UnitFactory(code="TT-CNTT", name="Trung tâm CNTT và Truyền thông", parent=own)
    other = UnitFactory(code="BV-DK", name="Bệnh viện Đa khoa tỉnh", kind="hospital")
    return Province(own, sub, other)


@pytest.fixture
def users(province: Province) -> dict[str, object]:
    return {
        Role.SOC_ADMIN: UserFactory(username="admin", role=Role.SOC_ADMIN),
        Role.SOC_ANALYST: UserFactory(username="analyst", role=Role.SOC_ANALYST),
        Role.UNIT_OFFICER: UserFactory(username="officer", role=Role.UNIT_OFFICER, units=[province.own_unit]),
        Role.AUDITOR: UserFactory(username="auditor", role=Role.AUDITOR),
    }


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def sign_in(user: object):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_as():  # type: ignore[no-untyped-def]
    def client_for(user: object) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return client_for


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the product's default language, Vietnamese.

    Django keeps the language a request activated in the thread after the request, so without this a test would
    see whatever language the previous test's last request chose.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def english() -> Iterator[None]:
    """For tests that assert messages in their English source form."""
    from django.utils import translation

    with translation.override("en"):
        yield
