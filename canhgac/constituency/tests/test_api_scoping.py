"""Who may do what through the registry API: officers see their units only, auditors read, analysts write."""

from __future__ import annotations

import pytest

from canhgac.constituency.models import Asset, Contact
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
)
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_api(api_as, users):  # type: ignore[no-untyped-def]
    return api_as(users[Role.UNIT_OFFICER])


def test_officer_lists_only_own_unit_and_subunit_objects(officer_api, province):  # type: ignore[no-untyped-def]
    for unit in (province.own_unit, province.own_subunit, province.other_unit):
        AssetFactory(unit=unit, name=f"a-{unit.code}")
    names = sorted(row["name"] for row in officer_api.get("/api/assets/").json()["results"])
    assert names == ["a-SO-TTTT", "a-TT-CNTT"]
    codes = sorted(row["code"] for row in officer_api.get("/api/units/").json()["results"])
    assert codes == ["SO-TTTT", "TT-CNTT"]


def test_officer_filtering_by_other_unit_code_finds_nothing(officer_api, province):  # type: ignore[no-untyped-def]
    AssetFactory(unit=province.other_unit)
    assert officer_api.get("/api/assets/?unit=BV-DK").json()["count"] == 0
    assert officer_api.get("/api/assets/?unit_tree=BV-DK").json()["count"] == 0


def test_officer_sees_national_contacts_but_cannot_create_one(officer_api, province):  # type: ignore[no-untyped-def]
    ContactFactory(unit=None, organisation="VNCERT/CC", national_body=True, name="Trực ban")
    listed = [row["name"] for row in officer_api.get("/api/contacts/").json()["results"]]
    assert "Trực ban" in listed
    response = officer_api.post("/api/contacts/", {"name": "Giả mạo", "unit": None}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert officer_api.post("/api/contacts/", {"name": "Không đơn vị"}, format="json").status_code == 400
    assert not Contact.objects.filter(name__in=["Giả mạo", "Không đơn vị"]).exists()


@pytest.mark.parametrize("route,factory", [
    ("assets", AssetFactory), ("contacts", ContactFactory), ("domains", DomainFactory),
    ("systems", InformationSystemFactory), ("netblocks", NetblockFactory),
])
def test_other_units_objects_are_404_for_officer(officer_api, province, route, factory):  # type: ignore[no-untyped-def]
    url = f"/api/{route}/{factory(unit=province.other_unit).pk}/"
    # Netblocks are the SOC's to allocate: an officer's write is refused (403) before any object is looked up.
    write_status = 403 if route == "netblocks" else 404
    assert officer_api.get(url).status_code == 404
    assert officer_api.patch(url, {"name": "x"}, format="json").status_code == write_status
    assert officer_api.delete(url).status_code == write_status


def test_officer_edits_assets_of_own_subunit(officer_api, province):  # type: ignore[no-untyped-def]
    asset = AssetFactory(unit=province.own_subunit)
    response = officer_api.patch(f"/api/assets/{asset.pk}/", {"internet_facing": True}, format="json")
    assert response.status_code == 200 and response.json()["internet_facing"] is True
    entry = AuditEntry.objects.get(object_type="constituency.asset", action="update")
    assert entry.actor_label == "officer" and entry.channel == "api"


@pytest.mark.parametrize("unit_field", ["unit", "unit_code"])
def test_officer_cannot_create_into_another_unit(officer_api, province, unit_field):  # type: ignore[no-untyped-def]
    value = province.other_unit.pk if unit_field == "unit" else province.other_unit.code
    response = officer_api.post("/api/assets/", {unit_field: value, "name": "lạc"}, format="json")
    assert response.status_code == 400 and unit_field in response.json()
    assert not Asset.objects.filter(name="lạc").exists()


def test_officer_cannot_move_own_asset_to_another_unit(officer_api, province):  # type: ignore[no-untyped-def]
    asset = AssetFactory(unit=province.own_unit)
    response = officer_api.patch(f"/api/assets/{asset.pk}/", {"unit": province.other_unit.pk}, format="json")
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.unit_id == province.own_unit.pk


def test_officer_cannot_attach_another_units_asset_to_a_system(officer_api, province):  # type: ignore[no-untyped-def]
    system = InformationSystemFactory(unit=province.own_unit)
    foreign = AssetFactory(unit=province.other_unit)
    response = officer_api.patch(f"/api/systems/{system.pk}/", {"assets": [foreign.pk]}, format="json")
    assert response.status_code == 400 and "assets" in response.json()


@pytest.mark.parametrize("method,route", [("post", "units"), ("post", "netblocks")])
def test_officer_cannot_write_units_or_netblocks(officer_api, province, method, route):  # type: ignore[no-untyped-def]
    response = getattr(officer_api, method)(f"/api/{route}/", {"unit": province.own_unit.pk, "code": "Z",
                                                               "name": "Z", "block": "10.9.0.0/16"},
                                            format="json")
    assert response.status_code == 403


def test_officer_cannot_see_the_operator(officer_api, province):  # type: ignore[no-untyped-def]
    assert officer_api.get("/api/operator/").status_code == 403


def test_auditor_reads_everything_and_writes_nothing(api_as, users, province):  # type: ignore[no-untyped-def]
    auditor = api_as(users[Role.AUDITOR])
    asset = AssetFactory(unit=province.other_unit)
    assert auditor.get(f"/api/assets/{asset.pk}/").status_code == 200
    assert auditor.patch(f"/api/assets/{asset.pk}/", {"name": "x"}, format="json").status_code == 403
    assert auditor.delete(f"/api/assets/{asset.pk}/").status_code == 403
    assert auditor.post("/api/units/", {"code": "A", "name": "A"}, format="json").status_code == 403


def test_analyst_writes_registry_objects_but_not_users(api_as, users, province):  # type: ignore[no-untyped-def]
    analyst = api_as(users[Role.SOC_ANALYST])
    created = analyst.post("/api/netblocks/", {"unit_code": "BV-DK", "block": "2402:800::/32"}, format="json")
    assert created.status_code == 201, created.json()
    assert analyst.get("/api/users/").status_code == 403
    assert analyst.post("/api/users/", {"username": "x", "role": "auditor"}, format="json").status_code == 403


def test_anonymous_gets_401_or_403_everywhere(client, province):  # type: ignore[no-untyped-def]
    for path in ("/api/units/", "/api/assets/", "/api/netblocks/lookup/?ip=1.1.1.1", "/api/me/"):
        assert client.get(path).status_code in (401, 403)


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_officer_cannot_change_a_national_body_contact_they_can_see(api_as, users, method):
    body = ContactFactory(unit=None, organisation="VNCERT/CC", name="Trực ban", national_body=True)
    api = api_as(users[Role.UNIT_OFFICER])
    url = f"/api/contacts/{body.pk}/"
    assert api.get(url).status_code == 200  # shared: every signed-in user sees it
    payload = {"name": "Đổi tên", "organisation": "VNCERT/CC"}
    response = getattr(api, method)(url, payload, format="json")
    assert response.status_code == 403
    assert Contact.objects.get(pk=body.pk).name == "Trực ban"
    assert api_as(users[Role.SOC_ANALYST]).patch(url, {"name": "Đổi tên"}, format="json").status_code == 200
