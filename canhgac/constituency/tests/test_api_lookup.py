"""``GET /api/netblocks/lookup/?ip=…``: the most specific block wins, IPv6 works, officers see only their own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import NetblockFactory, UnitFactory
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocks(province):  # type: ignore[no-untyped-def]
    return {
        "wide": NetblockFactory(unit=province.own_unit, block="14.224.0.0/16"),
        "narrow": NetblockFactory(unit=province.other_unit, block="14.224.8.0/24"),
        "narrowest": NetblockFactory(unit=province.own_subunit, block="14.224.8.16-14.224.8.31"),
        "v6": NetblockFactory(unit=province.own_unit, block="2405:4800::/32"),
        "v6_narrow": NetblockFactory(unit=province.other_unit, block="2405:4800:ab::/48"),
    }


def lookup(api, ip):  # type: ignore[no-untyped-def]
    return api.get("/api/netblocks/lookup/", {"ip": ip})


@pytest.mark.parametrize("ip,owner", [
    ("14.224.1.1", "SO-TTTT"), ("14.224.8.1", "BV-DK"), ("14.224.8.20", "TT-CNTT"), ("14.224.8.31", "TT-CNTT"),
    ("14.224.8.32", "BV-DK"), ("2405:4800::1", "SO-TTTT"), ("2405:4800:ab::ff", "BV-DK"),
    (" 2405:4800:00ab:0000::1 ", "BV-DK"),
])
def test_most_specific_block_wins(api_as, users, blocks, ip, owner):  # type: ignore[no-untyped-def]
    response = lookup(api_as(users[Role.SOC_ANALYST]), ip)
    assert response.status_code == 200
    assert response.json()["unit"]["code"] == owner


def test_answer_names_unit_block_and_assets(api_as, users, province, blocks):  # type: ignore[no-untyped-def]
    asset = Asset(unit=province.own_subunit, name="cong-tt", ip_addresses="14.224.8.20")
    save_asset(asset, None, [])
    body = lookup(api_as(users[Role.SOC_ADMIN]), "14.224.8.20").json()
    assert body["ip"] == "14.224.8.20"
    assert body["unit"] == {"id": province.own_subunit.pk, "code": "TT-CNTT", "name": province.own_subunit.name}
    assert body["netblock"] == {"id": blocks["narrowest"].pk, "block": blocks["narrowest"].block, "description": ""}
    assert body["assets"] == [{"id": asset.pk, "name": "cong-tt", "hostname": "", "unit_code": "TT-CNTT"}]


@pytest.mark.parametrize("ip", ["", "14.224.8", "999.1.1.1", "not an ip", "14.224.8.0/24", "x" * 5000, "1.1.1.1\x00"])
def test_bad_address_is_400_with_a_message(api_as, users, blocks, ip):  # type: ignore[no-untyped-def]
    response = lookup(api_as(users[Role.SOC_ADMIN]), ip)
    assert response.status_code == 400
    assert response.json()["ip"][0]


def test_unowned_address_is_404(api_as, users, blocks):  # type: ignore[no-untyped-def]
    assert lookup(api_as(users[Role.SOC_ADMIN]), "8.8.8.8").status_code == 404


def test_officer_sees_own_blocks_and_404_for_other_units(api_as, users, blocks):  # type: ignore[no-untyped-def]
    officer = api_as(users[Role.UNIT_OFFICER])
    assert lookup(officer, "14.224.8.20").json()["unit"]["code"] == "TT-CNTT"
    assert lookup(officer, "14.224.1.1").json()["unit"]["code"] == "SO-TTTT"
    hidden = lookup(officer, "14.224.8.1")  # inside the officer's /16, but delegated to another unit's /24
    assert hidden.status_code == 404
    assert "BV-DK" not in hidden.content.decode() and "Bệnh viện" not in hidden.content.decode()
    assert lookup(officer, "2405:4800:ab::1").status_code == 404


def test_lookup_reads_in_a_few_queries_however_many_blocks(api_as, users, province, blocks):  # type: ignore[no-untyped-def]
    unit = UnitFactory()
    for index in range(50):
        NetblockFactory(unit=unit, block=f"100.64.{index}.0/24")
    api = api_as(users[Role.SOC_ADMIN])
    with CaptureQueriesContext(connection) as queries:
        assert lookup(api, "100.64.7.9").status_code == 200
    assert len(queries) <= 3
