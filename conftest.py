"""Shared fixtures: a small province with an officer's own unit (and its sub-unit) and another unit.

The access matrix and most tests use these: ``own_unit`` ⊃ ``own_subunit`` belong to ``officer``;
``other_unit`` belongs to nobody the officer knows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from canhgac.accounts.tests.factories import PASSWORD, UserFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role

CORPORA = Path(os.environ.get("CANHGAC_CORPORA") or Path(__file__).resolve().parent.parent / "shared" / "corpora")


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
