"""Registry console forms: every write goes through the services (audited, channel "ui"), model validation
shows next to its field, officers can only place objects in their own units."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.constituency.models import (
    Asset,
    AssetAddress,
    Contact,
    Domain,
    InformationSystem,
    Netblock,
    Software,
    Unit,
)
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
    UnitFactory,
)
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_role(client: Any, users: dict) -> Any:
    """A console client in English (messages are compared as English source strings)."""
    def sign_in(role: str) -> Any:
        client.force_login(users[role])
        client.cookies["django_language"] = "en"
        return client
    return sign_in


def post(client: Any, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(reverse(f"constituency:{name}", kwargs=kwargs or None), data, follow=True)


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def errors_of(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def audit_of(obj: Any, action: str) -> AuditEntry:
    return AuditEntry.objects.get(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


# --- units -------------------------------------------------------------------------------------------------------


def test_admin_creates_edits_and_deletes_a_unit_with_audit_entries(as_role: Any, users: dict, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    response = post(client, "unit_create", {"code": "UBND-HUYEN-A", "name": "UBND huyện A", "kind": "district",
                                            "parent": province.own_unit.pk, "active": "on"})
    unit = Unit.objects.get(code="UBND-HUYEN-A")
    assert response.redirect_chain[-1][0] == unit.get_absolute_url()
    assert any("was created" in message for message in messages_of(response))
    entry = audit_of(unit, "create")
    assert entry.channel == "ui" and entry.actor == users[Role.SOC_ADMIN]
    assert entry.changes["name"] == [None, "UBND huyện A"]

    response = post(client, "unit_update", {"code": "UBND-HUYEN-A", "name": "UBND huyện A mới", "kind": "district",
                                            "parent": province.own_unit.pk, "active": "on"}, pk=unit.pk)
    assert any("was saved" in message for message in messages_of(response))
    assert audit_of(unit, "update").changes == {"name": ["UBND huyện A", "UBND huyện A mới"]}

    assert client.get(reverse("constituency:unit_delete", kwargs={"pk": unit.pk})).status_code == 200
    assert Unit.objects.filter(pk=unit.pk).exists()  # GET only asks
    response = post(client, "unit_delete", {}, pk=unit.pk)
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert response.redirect_chain[-1][0] == reverse("constituency:unit_list")
    assert audit_of(unit, "delete").changes["code"] == ["UBND-HUYEN-A", None]


def test_saving_an_unchanged_form_records_nothing(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ANALYST)
    unit = province.other_unit
    data = {"code": unit.code, "name": unit.name, "kind": unit.kind, "active": "on"}
    response = post(client, "unit_update", data, pk=unit.pk)
    assert messages_of(response) == ["Nothing was changed."]
    assert not AuditEntry.objects.filter(object_type="constituency.unit", object_id=str(unit.pk)).exists()


def test_unit_form_reports_bad_code_and_duplicate_code_next_to_the_field(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    bad = post(client, "unit_create", {"code": "Sở TT", "name": "X", "kind": "department"})
    assert bad.status_code == 200 and errors_of(bad, "code")
    duplicate = post(client, "unit_create", {"code": province.other_unit.code, "name": "X", "kind": "department"})
    assert errors_of(duplicate, "code") and Unit.objects.filter(code=province.other_unit.code).count() == 1
    assert "is-invalid" in duplicate.content.decode() or "invalid-feedback" in duplicate.content.decode()


def test_a_unit_cannot_be_placed_under_its_own_sub_unit(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    own = province.own_unit
    form = client.get(reverse("constituency:unit_update", kwargs={"pk": own.pk})).context["form"]
    assert province.own_subunit not in form.fields["parent"].queryset
    response = post(client, "unit_update", {"code": own.code, "name": own.name, "kind": own.kind,
                                            "parent": province.own_subunit.pk}, pk=own.pk)
    assert errors_of(response, "parent")
    own.refresh_from_db()
    assert own.parent_id is None


def test_a_unit_with_sub_units_is_not_deleted(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    confirm = client.get(reverse("constituency:unit_delete", kwargs={"pk": province.own_unit.pk}))
    assert confirm.context["children"] == 1 and b"btn-danger" not in confirm.content
    response = post(client, "unit_delete", {}, pk=province.own_unit.pk)
    assert Unit.objects.filter(pk=province.own_unit.pk).exists()
    assert any("cannot be deleted" in message for message in messages_of(response))


def test_unit_delete_page_says_what_goes_with_it(as_role: Any, province: Any) -> None:
    AssetFactory.create_batch(3, unit=province.other_unit)
    ContactFactory(unit=province.other_unit)
    confirm = as_role(Role.SOC_ADMIN).get(reverse("constituency:unit_delete", kwargs={"pk": province.other_unit.pk}))
    taken = dict((str(label), count) for label, count in confirm.context["taken"])
    assert taken == {"assets": 3, "contacts": 1}


# --- netblocks ---------------------------------------------------------------------------------------------------


def test_netblock_validation_shows_next_to_the_block_field(as_role: Any, province: Any) -> None:
    NetblockFactory(unit=province.other_unit, block="203.113.10.0/24")
    client = as_role(Role.SOC_ANALYST)
    cases = {
        "203.113.10.0/24": "already registered",
        "10.0.0.5/24": "not a valid IP block",
        "203.113.10.128-203.113.11.10": "partly overlaps",
        "300.1.1.0/24": "not a valid",
        "": "required",
    }
    for block, expected in cases.items():
        response = post(client, "netblock_create", {"unit": province.own_unit.pk, "block": block})
        assert response.status_code == 200
        assert any(expected in error for error in errors_of(response, "block")), (block, errors_of(response, "block"))
    assert Netblock.objects.count() == 1


def test_netblock_more_specific_than_another_units_block_is_accepted(as_role: Any, province: Any) -> None:
    NetblockFactory(unit=province.other_unit, block="203.113.0.0/16")
    response = post(as_role(Role.SOC_ADMIN), "netblock_create", {"unit": province.own_unit.pk,
                                                                 "block": "203.113.7.0/24", "description": "LAN"})
    block = Netblock.objects.get(block="203.113.7.0/24")
    assert response.redirect_chain[-1][0] == block.get_absolute_url()
    entry = audit_of(block, "create")
    assert entry.unit_id == province.own_unit.pk and entry.changes["block"] == [None, "203.113.7.0/24"]


def test_netblock_edit_and_delete_are_audited(as_role: Any, province: Any) -> None:
    block = NetblockFactory(unit=province.own_unit, block="14.160.0.0/24")
    client = as_role(Role.SOC_ADMIN)
    post(client, "netblock_update", {"unit": province.other_unit.pk, "block": "14.160.0.0/24"}, pk=block.pk)
    assert audit_of(block, "update").changes["unit"] == [province.own_unit.pk, province.other_unit.pk]
    post(client, "netblock_delete", {}, pk=block.pk)
    assert not Netblock.objects.filter(pk=block.pk).exists() and audit_of(block, "delete")


# --- contacts and domains: officers in their own units only ------------------------------------------------------


def test_officer_creates_a_contact_in_own_unit_but_not_in_another(as_role: Any, users: dict, province: Any) -> None:
    client = as_role(Role.UNIT_OFFICER)
    form = client.get(reverse("constituency:contact_create")).context["form"]
    assert set(form.fields["unit"].queryset) == {province.own_unit, province.own_subunit}
    assert "national_body" not in form.fields
    refused = post(client, "contact_create", {"unit": province.other_unit.pk, "name": "Lê Văn Lạ"})
    assert refused.status_code == 200 and errors_of(refused, "unit")
    no_unit = post(client, "contact_create", {"name": "Lê Văn Lạ"})
    assert errors_of(no_unit, "unit")
    assert not Contact.objects.filter(name="Lê Văn Lạ").exists()

    created = post(client, "contact_create", {"unit": province.own_subunit.pk, "name": "Phạm Thị Đầu Mối",
                                              "focal_point": "on", "email": "daumoi@example.gov.vn"})
    contact = Contact.objects.get(name="Phạm Thị Đầu Mối")
    assert created.redirect_chain[-1][0] == contact.get_absolute_url() and contact.focal_point
    assert audit_of(contact, "create").actor == users[Role.UNIT_OFFICER]


def test_officer_cannot_move_own_domain_to_another_unit(as_role: Any, province: Any) -> None:
    domain = DomainFactory(unit=province.own_unit, name="sotttt.example.gov.vn")
    client = as_role(Role.UNIT_OFFICER)
    response = post(client, "domain_update", {"unit": province.other_unit.pk, "name": domain.name,
                                              "purpose": "portal"}, pk=domain.pk)
    assert errors_of(response, "unit")
    domain.refresh_from_db()
    assert domain.unit == province.own_unit
    post(client, "domain_update", {"unit": province.own_unit.pk, "name": domain.name, "purpose": "mail"},
         pk=domain.pk)
    assert audit_of(domain, "update").changes == {"purpose": ["portal", "mail"]}


def test_soc_keeps_national_body_contacts_without_a_unit(as_role: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    post(client, "contact_create", {"organisation": "VNCERT/CC", "name": "Trực ban", "hotline": "086 9100 317",
                                    "national_body": "on"})
    contact = Contact.objects.get(name="Trực ban")
    assert contact.unit is None and contact.national_body
    assert audit_of(contact, "create").unit_id is None


def test_domain_duplicate_is_refused_next_to_the_name(as_role: Any, province: Any) -> None:
    DomainFactory(unit=province.other_unit, name="benhvien.example.gov.vn")
    response = post(as_role(Role.UNIT_OFFICER), "domain_create", {"unit": province.own_unit.pk,
                                                                   "name": "benhvien.example.gov.vn",
                                                                   "purpose": "portal"})
    assert errors_of(response, "name") and Domain.objects.count() == 1


# --- assets: addresses and software ------------------------------------------------------------------------------


def test_officer_creates_an_asset_with_addresses_and_software(as_role: Any, province: Any) -> None:
    client = as_role(Role.UNIT_OFFICER)
    software = ("Apache | Tomcat | 9.0.80\n"
                "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41:*:*:*:*:*:*\n"
                "Microsoft | Windows Server | 2019 | cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*\n")
    response = post(client, "asset_create", {
        "unit": province.own_unit.pk, "name": "mail-01", "hostname": "mail.sotttt.example.gov.vn",
        "role": "mail", "internet_facing": "on", "ip_addresses": "14.161.0.25\n2001:db8::25, 14.161.0.25",
        "software": software})
    asset = Asset.objects.get(name="mail-01")
    assert response.redirect_chain[-1][0] == asset.get_absolute_url()
    assert asset.ip_addresses == "14.161.0.25, 2001:db8::25"
    assert set(AssetAddress.objects.filter(asset=asset).values_list("address", flat=True)) == {"14.161.0.25",
                                                                                               "2001:db8::25"}
    items = {(s.vendor, s.product, s.version) for s in Software.objects.filter(asset=asset)}
    assert items == {("Apache", "Tomcat", "9.0.80"), ("synacor", "zimbra collaboration suite", "8.8.15 p41"),
                     ("Microsoft", "Windows Server", "2019")}
    entry = audit_of(asset, "create")
    assert len(entry.changes["software"][1]) == 3
    body = response.content.decode()
    assert "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41" in body


def test_asset_edit_form_round_trips_its_software(as_role: Any, province: Any) -> None:
    asset = AssetFactory(unit=province.own_unit, name="web-01", ip_addresses="14.161.0.80")
    asset.software.create(vendor="F5", product="BIG-IP", version="", cpe="cpe:2.3:h:f5:big-ip:-:*:*:*:*:*:*:*")
    asset.software.create(vendor="nginx", product="nginx", version="1.24.0")
    client = as_role(Role.SOC_ADMIN)
    form = client.get(reverse("constituency:asset_update", kwargs={"pk": asset.pk})).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "id"}
    data.update(unit=asset.unit_id, internet_facing="")
    response = post(client, "asset_update", data, pk=asset.pk)
    assert messages_of(response) == ["Nothing was changed."]
    data["software"] += "\nApache | HTTP Server | 2.4.58"
    post(client, "asset_update", data, pk=asset.pk)
    change = audit_of(asset, "update").changes["software"]
    assert "Apache | HTTP Server | 2.4.58" in change[1] and "Apache | HTTP Server | 2.4.58" not in change[0]


def test_asset_form_refuses_bad_addresses_and_software_lines(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    base = {"unit": province.own_unit.pk, "name": "srv", "role": "server"}
    bad_ip = post(client, "asset_create", {**base, "ip_addresses": "14.161.0.300"})
    assert any("not a valid IP address" in error for error in errors_of(bad_ip, "ip_addresses"))
    bad_software = post(client, "asset_create", {**base, "software": "just one word"})
    assert any("vendor | product | version" in error for error in errors_of(bad_software, "software"))
    bad_cpe = post(client, "asset_create", {**base, "software": "cpe:2.3:x:broken"})
    assert any("CPE 2.3" in error for error in errors_of(bad_cpe, "software"))
    assert not Asset.objects.filter(name="srv").exists()


def test_asset_name_is_unique_within_its_unit(as_role: Any, province: Any) -> None:
    AssetFactory(unit=province.own_unit, name="srv-dup")
    response = post(as_role(Role.UNIT_OFFICER), "asset_create",
                    {"unit": province.own_unit.pk, "name": "srv-dup", "role": "server"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Asset.objects.filter(name="srv-dup").count() == 1


def test_asset_delete_takes_its_software_and_is_audited(as_role: Any, province: Any) -> None:
    asset = AssetFactory(unit=province.own_unit)
    asset.software.create(vendor="Apache", product="Tomcat", version="9")
    post(as_role(Role.UNIT_OFFICER), "asset_delete", {}, pk=asset.pk)
    assert not Asset.objects.filter(pk=asset.pk).exists() and not Software.objects.exists()
    assert audit_of(asset, "delete").changes["software"][0] == ["Apache | Tomcat | 9"]


# --- information systems -----------------------------------------------------------------------------------------


def test_officer_creates_a_system_with_assets_of_its_unit(as_role: Any, province: Any) -> None:
    mine = AssetFactory(unit=province.own_unit, name="portal-01")
    foreign = AssetFactory(unit=province.other_unit, name="his-01")
    client = as_role(Role.UNIT_OFFICER)
    form = client.get(reverse("constituency:informationsystem_create"), {"unit": province.own_unit.pk}) \
        .context["form"]
    assert list(form.fields["assets"].queryset) == [mine]
    refused = post(client, "informationsystem_create", {"unit": province.own_unit.pk, "name": "Cổng TTĐT",
                                                        "security_level": 2, "assets": [foreign.pk]})
    assert errors_of(refused, "assets")
    response = post(client, "informationsystem_create", {"unit": province.own_unit.pk, "name": "Cổng TTĐT",
                                                         "security_level": 3, "assets": [mine.pk]})
    system = InformationSystem.objects.get(name="Cổng TTĐT")
    assert response.redirect_chain[-1][0] == system.get_absolute_url()
    assert list(system.assets.all()) == [mine] and system.security_level == 3
    assert audit_of(system, "create").changes["assets"] == [None, ["portal-01"]]


def test_system_level_must_be_one_to_five_and_choices_explain_levels(as_role: Any, province: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    page = client.get(reverse("constituency:informationsystem_create")).content.decode()
    assert "Especially seriously harms national defence and security" in page  # level 5
    for level in ("0", "6", "x", ""):
        response = post(client, "informationsystem_create", {"unit": province.own_unit.pk, "name": "HT",
                                                             "security_level": level})
        assert errors_of(response, "security_level"), level
    assert not InformationSystem.objects.exists()


def test_system_unit_change_reloads_asset_choices_without_inline_script(as_role: Any, province: Any) -> None:
    AssetFactory(unit=province.other_unit, name="his-01")
    client = as_role(Role.SOC_ADMIN)
    response = client.get(reverse("constituency:informationsystem_create"), {"unit": province.other_unit.pk})
    body = response.content.decode()
    assert 'hx-get="/registry/systems/new/"' in body and 'hx-select="#id_assets"' in body
    assert "his-01" in body and "<script>" not in body.split("</head>")[1]
    for hostile in ("abc", "-1", "9" * 30):
        assert client.get(reverse("constituency:informationsystem_create"), {"unit": hostile}).status_code == 200


def test_system_edit_keeps_assets_and_records_the_change(as_role: Any, province: Any) -> None:
    system = InformationSystemFactory(unit=province.own_unit, security_level=2)
    asset = AssetFactory(unit=province.own_unit, name="db-01")
    system.assets.add(asset)
    client = as_role(Role.UNIT_OFFICER)
    form = client.get(reverse("constituency:informationsystem_update", kwargs={"pk": system.pk})).context["form"]
    assert form.initial["assets"] == [asset.pk]
    post(client, "informationsystem_update", {"unit": province.own_unit.pk, "name": system.name,
                                              "security_level": 4, "assets": [asset.pk]}, pk=system.pk)
    assert audit_of(system, "update").changes == {"security_level": [2, 4]}


# --- hostile form input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["unit", "contact", "netblock", "domain", "asset", "informationsystem"])
def test_hostile_form_values_never_fail(as_role: Any, province: Any, kind: str) -> None:
    client = as_role(Role.SOC_ADMIN)
    values = ["\x00", "<script>alert(1)</script>", "9" * 40, "-1", "𝕏" * 300, "' OR 1=1 --"]
    fields = ["unit", "parent", "code", "name", "kind", "block", "role", "ip_addresses", "software",
              "security_level", "assets", "purpose", "email"]
    for value in values:
        response = client.post(reverse(f"constituency:{kind}_create"), {field: value for field in fields})
        assert response.status_code == 200, value
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get(reverse(f"constituency:{kind}_create"), {"unit": "9" * 40, "parent": "\x00"}).status_code \
        == 200


def test_unknown_and_malformed_ids_are_404(as_role: Any) -> None:
    client = as_role(Role.SOC_ADMIN)
    assert client.get("/registry/units/999999/").status_code == 404
    assert client.get("/registry/units/999999/edit/").status_code == 404
    assert client.post("/registry/assets/999999/delete/").status_code == 404
    assert client.get("/registry/units/abc/").status_code == 404
    assert client.get("/registry/units/" + "9" * 30 + "/").status_code == 404


def test_html_in_a_new_units_name_is_escaped_in_the_success_message(as_role: Any) -> None:
    response = post(as_role(Role.SOC_ADMIN), "unit_create", {"code": "X1", "name": "<b>Sở</b><script>x()</script>",
                                                            "kind": "department"})
    body = response.content.decode()
    assert "<script>x()</script>" not in body and "&lt;script&gt;x()&lt;/script&gt;" in body
    assert UnitFactory._meta.model.objects.filter(code="X1").exists()


# --- every kind, the whole round ---------------------------------------------------------------------------------


def payload(kind: str, unit: Any) -> dict[str, Any]:
    return {
        "unit": {"code": "DV-MOI", "name": "Đơn vị mới", "kind": "commune", "parent": unit.pk, "active": "on"},
        "contact": {"unit": unit.pk, "name": "Hoàng Văn Mới", "email": "moi@example.gov.vn"},
        "netblock": {"unit": unit.pk, "block": "2001:db8:42::/48"},
        "domain": {"unit": unit.pk, "name": "moi.example.gov.vn", "purpose": "service"},
        "asset": {"unit": unit.pk, "name": "vpn-01", "role": "vpn", "ip_addresses": "14.161.0.1",
                  "software": "Fortinet | FortiOS | 7.2.5"},
        "informationsystem": {"unit": unit.pk, "name": "Một cửa điện tử", "security_level": 2},
    }[kind]


ROUNDS = [(role, kind) for role in (Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER)
          for kind in ("unit", "contact", "netblock", "domain", "asset", "informationsystem")
          if role != Role.UNIT_OFFICER or kind not in ("unit", "netblock")]  # officers' refusals: test_ui_pages.py


@pytest.mark.parametrize(("role", "kind"), ROUNDS)
def test_every_kind_is_created_changed_and_deleted_with_audit_entries(as_role: Any, users: dict, province: Any,
                                                                      role: str, kind: str) -> None:
    client = as_role(role)
    data = payload(kind, province.own_subunit if role == Role.UNIT_OFFICER else province.other_unit)
    created = post(client, f"{kind}_create", data)
    obj = created.context["object"]
    assert created.redirect_chain and messages_of(created)[-1].endswith("was created.")
    data["unit" if kind != "unit" else "parent"] = province.own_unit.pk  # move it to another unit
    changed = post(client, f"{kind}_update", data, pk=obj.pk)
    assert messages_of(changed)[-1].endswith("was saved."), messages_of(changed)
    deleted = post(client, f"{kind}_delete", {}, pk=obj.pk)
    assert messages_of(deleted)[-1].endswith("was deleted.")
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "delete", "update"]
    assert {(entry.channel, entry.actor) for entry in entries} == {("ui", users[role])}
