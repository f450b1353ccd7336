"""“Which unit owns this IP?” in the console: most specific block wins, officers get answers only in their units."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.constituency.tests.test_ui_pages import fast_passwords  # noqa: F401  (autouse fixture)
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocks(province: Any) -> dict[str, Any]:
    return {
        "own": NetblockFactory(unit=province.own_unit, block="113.160.0.0/16"),
        "inner_other": NetblockFactory(unit=province.other_unit, block="113.160.99.0/24"),
        "other": NetblockFactory(unit=province.other_unit, block="2001:ee0:100::/48"),
        "asset": registered_asset(province.own_unit, "cong-ttdt", "113.160.1.10"),
    }


def registered_asset(unit: Any, name: str, addresses: str) -> Asset:
    asset = Asset(unit=unit, name=name, ip_addresses=addresses)
    save_asset(asset, None, [])  # the service keeps the address index the lookup reads
    return asset


def look_up(client: Any, ip: str) -> Any:
    client.cookies["django_language"] = "en"
    return client.get(reverse("constituency:ip_lookup"), {"ip": ip})


def test_the_form_alone_asks_for_an_address(login: Any, users: dict) -> None:
    response = login(users[Role.AUDITOR]).get(reverse("constituency:ip_lookup"))
    assert response.status_code == 200 and "answer" not in response.context


@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.SOC_ANALYST, Role.AUDITOR])
def test_soc_and_auditors_get_the_most_specific_owner(login: Any, users: dict, province: Any, blocks: dict,
                                                      role: str) -> None:
    client = login(users[role])
    answer = look_up(client, "113.160.99.7").context["answer"]
    assert answer["netblock"] == blocks["inner_other"] and answer["found"]
    answer = look_up(client, " 113.160.1.10 ").context["answer"]
    assert answer["netblock"] == blocks["own"] and answer["assets"] == [blocks["asset"]]
    body = look_up(client, "2001:ee0:100::5").content.decode()
    assert province.other_unit.code in body and blocks["other"].get_absolute_url() in body


def test_officer_gets_answers_within_own_units_only(login: Any, users: dict, province: Any, blocks: dict) -> None:
    client = login(users[Role.UNIT_OFFICER])
    own = look_up(client, "113.160.1.10")
    assert own.context["answer"]["netblock"] == blocks["own"]
    assert blocks["asset"].get_absolute_url() in own.content.decode()
    vpn = registered_asset(province.own_unit, "vpn-01", "113.160.99.50")  # ours, inside another unit's block
    answer = look_up(client, "113.160.99.50").context["answer"]
    assert answer["found"] and answer["netblock"] is None and answer["assets"] == [vpn]
    for ip in ("113.160.99.7", "2001:ee0:100::5"):  # another unit's (the more specific block wins over ours)
        response = look_up(client, ip)
        assert response.status_code == 200 and not response.context["answer"]["found"]
        body = response.content.decode()
        assert 'id="not-found"' in body
        assert province.other_unit.code not in body and province.other_unit.name not in body


def test_an_address_nobody_holds_is_not_found(login: Any, users: dict, blocks: dict) -> None:
    response = look_up(login(users[Role.SOC_ADMIN]), "8.8.8.8")
    assert not response.context["answer"]["found"] and 'id="not-found"' in response.content.decode()


@pytest.mark.parametrize("ip", ["113.160.0.300", "not an ip", "113.160.0.0/24", "", "\x00", "<script>x</script>",
                                "9" * 200, "::ffff:zz"])
def test_invalid_input_gets_a_clear_message(login: Any, users: dict, blocks: dict, ip: str) -> None:
    response = look_up(login(users[Role.UNIT_OFFICER]), ip)
    assert response.status_code == 200 and "answer" not in response.context
    assert response.context["form"].errors["ip"]
    body = response.content.decode()
    assert 'id="ip-error"' in body and "<script>x</script>" not in body
