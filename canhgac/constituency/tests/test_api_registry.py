"""Registry API as a SOC administrator: CRUD of every object, validation as 400, audit on channel "api"."""

from __future__ import annotations

import pytest

from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Unit
from canhgac.constituency.tests.factories import AssetFactory, InformationSystemFactory, NetblockFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CPE = "cpe:2.3:a:zimbra:collaboration:8.8.15:p41:*:*:*:*:*:*"


@pytest.fixture
def admin_api(api_as, users):  # type: ignore[no-untyped-def]
    return api_as(users[Role.SOC_ADMIN])


CASES = {
    "units": (Unit, {"code": "UB-XA", "name": "UBND xã Thử"}, {"name": "UBND xã Đổi tên"}),
    "contacts": (Contact, {"name": "Lê Văn A", "email": "a@example.gov.vn"}, {"phone": "0912345678"}),
    "netblocks": (Netblock, {"block": "14.160.32.0/24"}, {"description": "Mạng LAN"}),
    "domains": (Domain, {"name": "thu.example.gov.vn"}, {"purpose": "mail"}),
    "assets": (Asset, {"name": "portal-01", "ip_addresses": ["14.160.32.10"]}, {"hostname": "portal.example"}),
    "systems": (InformationSystem, {"name": "Cổng dịch vụ công", "security_level": 3}, {"security_level": 4}),
}


@pytest.mark.parametrize("route", list(CASES))
def test_admin_can_create_read_update_delete_each_registry_object(admin_api, province, route):  # type: ignore[no-untyped-def]
    model, payload, change = CASES[route]
    if route != "units":
        payload = {**payload, "unit": province.own_unit.pk}
    created = admin_api.post(f"/api/{route}/", payload, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/{route}/{created.json()['id']}/"
    assert admin_api.get(url).status_code == 200
    assert any(row["id"] == created.json()["id"] for row in admin_api.get(f"/api/{route}/").json()["results"])
    updated = admin_api.patch(url, change, format="json")
    assert updated.status_code == 200, updated.json()
    for key, value in change.items():
        assert updated.json()[key] == value
    assert admin_api.delete(url).status_code == 204
    assert not model.objects.filter(pk=created.json()["id"]).exists()
    actions = list(AuditEntry.objects.filter(object_type=model._meta.label_lower,
                                             object_id=str(created.json()["id"]))
                   .order_by("id").values_list("action", "channel", "actor_label"))
    assert actions == [("create", "api", "admin"), ("update", "api", "admin"), ("delete", "api", "admin")]


def test_update_audit_entry_holds_before_and_after(admin_api, province):  # type: ignore[no-untyped-def]
    response = admin_api.patch(f"/api/units/{province.other_unit.pk}/", {"name": "Bệnh viện mới"}, format="json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="constituency.unit", action="update")
    assert entry.changes["name"] == ["Bệnh viện Đa khoa tỉnh", "Bệnh viện mới"]
    assert entry.channel == "api" and entry.unit_id == province.other_unit.pk


def test_unit_code_may_replace_unit_id_and_both_are_returned(admin_api, province):  # type: ignore[no-untyped-def]
    response = admin_api.post("/api/domains/", {"unit_code": "BV-DK", "name": "bv.example.gov.vn"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["unit"] == province.other_unit.pk and response.json()["unit_code"] == "BV-DK"


def test_unknown_unit_code_and_missing_unit_are_field_errors(admin_api, province):  # type: ignore[no-untyped-def]
    unknown = admin_api.post("/api/domains/", {"unit_code": "NOPE", "name": "x.example"}, format="json")
    missing = admin_api.post("/api/domains/", {"name": "y.example"}, format="json")
    assert unknown.status_code == 400 and "unit_code" in unknown.json()
    assert missing.status_code == 400 and "unit" in missing.json()


def test_filter_by_unit_code_and_unit_tree(admin_api, province):  # type: ignore[no-untyped-def]
    AssetFactory(unit=province.own_unit, name="a-own")
    AssetFactory(unit=province.own_subunit, name="a-sub")
    AssetFactory(unit=province.other_unit, name="a-other")
    names = lambda query: sorted(row["name"] for row in admin_api.get(f"/api/assets/?{query}").json()["results"])  # noqa: E731
    assert names("unit=SO-TTTT") == ["a-own"]
    assert names("unit_tree=so-tttt") == ["a-own", "a-sub"]
    assert names("q=other") == ["a-other"]
    ordered = [row["name"] for row in admin_api.get("/api/assets/?ordering=-name").json()["results"]]
    assert ordered == ["a-sub", "a-own", "a-other"]


def test_asset_software_and_addresses_are_written_as_one_audited_change(admin_api, province):  # type: ignore[no-untyped-def]
    payload = {"unit": province.own_unit.pk, "name": "mail-01", "role": "mail",
               "ip_addresses": ["203.113.5.7", "2001:db8::7", "203.113.5.7"],
               "software": [{"vendor": "Zimbra", "product": "Collaboration", "version": "8.8.15", "cpe": CPE}]}
    created = admin_api.post("/api/assets/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["ip_addresses"] == ["203.113.5.7", "2001:db8::7"]
    assert body["software"] == [{"vendor": "Zimbra", "product": "Collaboration", "version": "8.8.15", "cpe": CPE}]
    asset = Asset.objects.get(pk=body["id"])
    assert sorted(asset.addresses.values_list("address", flat=True)) == ["2001:db8::7", "203.113.5.7"]
    url = f"/api/assets/{asset.pk}/"
    changed = admin_api.patch(url, {"software": [{"vendor": "Zimbra", "product": "Collaboration",
                                                  "version": "9.0.0"}]}, format="json")
    assert changed.status_code == 200
    entry = AuditEntry.objects.filter(object_type="constituency.asset", action="update").get()
    assert entry.changes["software"][1] == ["Zimbra | Collaboration | 9.0.0"]
    kept = admin_api.patch(url, {"description": "giữ phần mềm"}, format="json")
    assert kept.json()["software"][0]["version"] == "9.0.0"


@pytest.mark.parametrize("payload,field", [
    ({"ip_addresses": ["999.1.1.1"]}, "ip_addresses"),
    ({"ip_addresses": "203.113.1.1"}, "ip_addresses"),
    ({"software": [{"vendor": "x"}]}, "software"),
    ({"software": [{"vendor": "a", "product": "b", "cpe": "cpe:bad"}]}, "software"),
    ({"role": "spaceship"}, "role"),
    ({"internet_facing": "maybe"}, "internet_facing"),
    ({"name": "x" * 10_000}, "name"),
])
def test_bad_asset_input_is_a_field_error(admin_api, province, payload, field):  # type: ignore[no-untyped-def]
    response = admin_api.post("/api/assets/", {"unit": province.own_unit.pk, "name": "ok", **payload},
                              format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_netblock_rules_of_the_model_answer_400(admin_api, province):  # type: ignore[no-untyped-def]
    NetblockFactory(unit=province.own_unit, block="14.160.0.0/16")
    duplicate = admin_api.post("/api/netblocks/", {"unit": province.other_unit.pk, "block": "14.160.0.0/16"},
                               format="json")
    host_bits = admin_api.post("/api/netblocks/", {"unit": province.other_unit.pk, "block": "14.160.0.5/16"},
                               format="json")
    nested = admin_api.post("/api/netblocks/", {"unit": province.other_unit.pk, "block": "14.160.9.0/24"},
                            format="json")
    assert duplicate.status_code == 400 and "block" in duplicate.json()
    assert host_bits.status_code == 400 and "block" in host_bits.json()
    assert nested.status_code == 201 and nested.json()["version"] == 4


def test_unit_cannot_be_moved_under_its_own_subunit(admin_api, province):  # type: ignore[no-untyped-def]
    response = admin_api.patch(f"/api/units/{province.own_unit.pk}/", {"parent": province.own_subunit.pk},
                               format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_unit_with_subunits_cannot_be_deleted(admin_api, province):  # type: ignore[no-untyped-def]
    response = admin_api.delete(f"/api/units/{province.own_unit.pk}/")
    assert response.status_code == 400
    assert Unit.objects.filter(pk=province.own_unit.pk).exists()


def test_system_assets_must_belong_to_the_system_unit(admin_api, province):  # type: ignore[no-untyped-def]
    mine = AssetFactory(unit=province.own_unit)
    foreign = AssetFactory(unit=province.other_unit)
    base = {"unit": province.own_unit.pk, "name": "HT", "security_level": 2}
    refused = admin_api.post("/api/systems/", {**base, "assets": [mine.pk, foreign.pk]}, format="json")
    assert refused.status_code == 400 and "assets" in refused.json()
    created = admin_api.post("/api/systems/", {**base, "assets": [mine.pk]}, format="json")
    assert created.status_code == 201 and created.json()["assets"] == [mine.pk]
    entry = AuditEntry.objects.get(object_type="constituency.informationsystem", action="create")
    assert entry.changes["assets"] == [None, [mine.name]]


def test_moving_a_system_to_another_unit_with_its_assets_is_refused(admin_api, province):  # type: ignore[no-untyped-def]
    system = InformationSystemFactory(unit=province.own_unit)
    system.assets.add(AssetFactory(unit=province.own_unit))
    response = admin_api.patch(f"/api/systems/{system.pk}/", {"unit": province.other_unit.pk}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("level", [0, 6, "high", None])
def test_security_level_outside_1_to_5_is_refused(admin_api, province, level):  # type: ignore[no-untyped-def]
    response = admin_api.post("/api/systems/", {"unit": province.own_unit.pk, "name": "HT", "security_level": level},
                              format="json")
    assert response.status_code == 400 and "security_level" in response.json()


def test_html_in_names_is_stored_and_returned_literally(admin_api, province):  # type: ignore[no-untyped-def]
    name = '<script>alert("x")</script> Sở & Ban'
    response = admin_api.post("/api/units/", {"code": "HTML", "name": name}, format="json")
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    assert admin_api.get(f"/api/units/{response.json()['id']}/").json()["name"] == name


@pytest.mark.parametrize("body,content_type", [
    ('{"code": "X", "name": ', "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"just a string"', "application/json"),
    ("\xff\xfe garbage", "application/json"),
    ("code=X&name=Y&parent=abc", "application/x-www-form-urlencoded"),
    ('{"code": ["X"], "name": {"a": 1}, "active": "yes?", "parent": "1; DROP TABLE"}', "application/json"),
])
def test_malformed_or_mistyped_bodies_are_400_not_500(admin_api, province, body, content_type):  # type: ignore[no-untyped-def]
    response = admin_api.generic("POST", "/api/units/", body.encode("utf-8", "surrogateescape"),
                                 content_type=content_type)
    assert response.status_code == 400


def test_unknown_fields_are_ignored(admin_api, province):  # type: ignore[no-untyped-def]
    response = admin_api.post("/api/units/", {"code": "NEW", "name": "Mới", "is_admin": True, "id": 999},
                              format="json")
    assert response.status_code == 201 and response.json()["id"] != 999


@pytest.mark.parametrize("path", ["/api/units/abc/", "/api/assets/1.5/", "/api/units/99999999999999999999999/",
                                  "/api/contacts/-1/", "/api/units/%00/"])
def test_bad_ids_in_urls_are_404(admin_api, province, path):  # type: ignore[no-untyped-def]
    assert admin_api.get(path).status_code == 404
    assert admin_api.patch(path, {"name": "x"}, format="json").status_code == 404


@pytest.mark.parametrize("query", ["unit_tree=" + "x" * 5000, "role=nope", "internet_facing=perhaps",
                                   "ordering=secret_field", "limit=-5&offset=abc", "q=%00"])
def test_hostile_list_queries_never_fail_with_500(admin_api, province, query):  # type: ignore[no-untyped-def]
    assert admin_api.get(f"/api/assets/?{query}").status_code in (200, 400)


def test_operator_is_never_created_or_deleted_by_the_api(admin_api, province):  # type: ignore[no-untyped-def]
    assert admin_api.get("/api/operator/").status_code == 200
    assert admin_api.post("/api/operator/", {"name": "x"}, format="json").status_code == 405


def test_administrators_change_the_letters_signer_through_the_api(admin_api, province):  # type: ignore[no-untyped-def]
    from canhgac.constituency.models import Operator
    from canhgac.core.models import AuditEntry

    body = Operator.objects.create(governing_body="UBND TỈNH X", name="Sở KH&CN", abbreviation="SKHCN",
                                   province="X", place="X")
    url = f"/api/operator/{body.pk}/"
    answer = admin_api.patch(url, {"signer_authority": "KT. GIÁM ĐỐC", "signer_title": "PHÓ GIÁM ĐỐC",
                                   "signer_name": "Trần Thị Bình"}, format="json")
    assert answer.status_code == 200 and answer.json()["signer_name"] == "Trần Thị Bình"
    body.refresh_from_db()
    assert (body.signer_authority, body.signer_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    entry = AuditEntry.objects.get(object_type="constituency.operator")
    assert entry.channel == "api" and entry.changes["signer_title"] == ["", "PHÓ GIÁM ĐỐC"]
    refused = admin_api.patch(url, {"signer_name": "x" * 151, "name": ""}, format="json")
    assert refused.status_code == 400 and set(refused.json()) >= {"signer_name", "name"}
    assert admin_api.delete(url).status_code == 405
