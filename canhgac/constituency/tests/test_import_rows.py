"""Row-level import rules: headers, validation named by row and column, all-or-nothing, keys, idempotency, audit."""

from __future__ import annotations

import pytest

from canhgac.constituency.importing import ImportFailed, run_import
from canhgac.constituency.importing.errors import MAX_ERRORS
from canhgac.constituency.models import Asset, AssetAddress, Contact, Netblock, Software, Unit
from canhgac.constituency.tests.data.builders import csv_bytes
from canhgac.constituency.tests.factories import AssetFactory, ContactFactory, NetblockFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.audit import acting_as
from canhgac.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages asserted in English


def errors_of(kind: str, rows: list[list[str]]) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ImportFailed) as caught:
        run_import(kind, f"{kind}.csv", csv_bytes(rows))
    return [(error.row, error.column, error.message) for error in caught.value.errors]


def where(errors: list[tuple[int | None, str, str]]) -> list[tuple[int | None, str]]:
    return [(row, column) for row, column, _message in errors]


@pytest.mark.parametrize("header", [
    ["Mã đơn vị", "Tên đơn vị", "Đơn vị cha", "Loại"],
    ["MA DON VI", "ten don vi", "don vi cha", "LOAI"],
    ["code", "name", "parent", "kind"],
    ["Unit_Code", "Name", "Parent", "Kind"],
])
def test_headers_in_vietnamese_or_english_any_case_or_diacritics(header):  # type: ignore[no-untyped-def]
    run_import("units", "u.csv", csv_bytes([header, ["X1", "Xã Hải Lăng", "P1", "Commune/ward committee (UBND cấp xã)"],
                                            ["P1", "Huyện Hải Lăng", "", "district"]]))
    child = Unit.objects.get(code="X1")
    assert child.parent.code == "P1" and child.kind == "commune" and child.name == "Xã Hải Lăng"


def test_unknown_and_missing_columns_are_named():  # type: ignore[no-untyped-def]
    found = errors_of("units", [["Mã đơn vi", "Tne don vi", "Ghi chu"], ["U1", "x", ""]])
    assert (1, "Tne don vi") in where(found)
    assert any(row == 1 and column == "Tên đơn vị" and "missing" in message for row, column, message in found)


def test_a_repeated_column_is_refused():  # type: ignore[no-untyped-def]
    assert (1, "name") in where(errors_of("units", [["code", "Tên đơn vị", "name"], ["U1", "a", "b"]]))


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written(province):  # type: ignore[no-untyped-def]
    rows = [
        ["Mã đơn vị", "Tên đơn vị", "Loại", "Email", "Hoạt động", "Đơn vị cha"],
        ["OK-1", "Đơn vị tốt", "sở", "a@example.vn", "có", ""],
        ["bad code!", "Đơn vị", "", "", "", ""],
        ["OK-2", "", "", "", "", ""],
        ["OK-3", "Đơn vị", "spaceship", "not-an-email", "maybe", "NOPE"],
        ["OK-1", "Trùng", "", "", "", ""],
    ]
    found = where(errors_of("units", rows))
    assert set(found) == {(3, "Mã đơn vị"), (4, "Tên đơn vị"), (5, "Loại"), (5, "Email"), (5, "Hoạt động"),
                          (5, "Đơn vị cha"), (6, "Mã đơn vị")}
    assert not Unit.objects.filter(code__startswith="OK").exists()
    assert not AuditEntry.objects.exists()


def test_errors_are_capped_with_a_count_of_the_rest():  # type: ignore[no-untyped-def]
    rows = [["code", "name"], *[[f"bad code {i}", "x"] for i in range(MAX_ERRORS + 50)]]
    with pytest.raises(ImportFailed) as caught:
        run_import("units", "u.csv", csv_bytes(rows))
    assert len(caught.value.errors) == MAX_ERRORS and caught.value.more == 50
    assert caught.value.as_dict()["count"] == MAX_ERRORS + 50


def test_parents_may_come_after_their_children_and_cycles_are_refused(province):  # type: ignore[no-untyped-def]
    run_import("units", "u.csv", csv_bytes([["code", "name", "parent"], ["C", "Con", "B"], ["B", "Cha", "A"],
                                            ["A", "Gốc", "SO-TTTT"]]))
    assert [Unit.objects.get(code=code).parent.code for code in "CBA"] == ["B", "A", "SO-TTTT"]
    found = where(errors_of("units", [["code", "name", "parent"], ["A", "Gốc", "C"]]))
    assert found == [(2, "parent")]
    assert Unit.objects.get(code="A").parent.code == "SO-TTTT"


def test_contacts_are_keyed_by_unit_and_email_or_name(province):  # type: ignore[no-untyped-def]
    header = ["Mã đơn vị", "Cơ quan", "Họ và tên", "Email", "Đầu mối"]
    rows = [header, ["SO-TTTT", "", "Nguyễn Văn A", "A@Example.vn", "x"], ["SO-TTTT", "", "Trần Thị B", "", ""],
            ["", "VNCERT/CC", "Trực ban", "", ""]]
    assert run_import("contacts", "c.csv", csv_bytes(rows)).created == 3
    rows[1][1:] = ["", "Nguyễn Văn A (đổi tên)", "a@example.vn", "có"]
    report = run_import("contacts", "c.csv", csv_bytes(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Contact.objects.get(email__iexact="a@example.vn").name == "Nguyễn Văn A (đổi tên)"
    assert Contact.objects.get(unit=None).organisation == "VNCERT/CC"


def test_a_contact_without_unit_or_organisation_is_refused_and_unknown_units_named(province):  # type: ignore[no-untyped-def]
    found = where(errors_of("contacts", [["unit", "organisation", "name"], ["", "", "Ai đó"], ["NOPE", "", "B"]]))
    assert found == [(2, "organisation"), (3, "unit")]


def test_netblock_rules_hold_against_the_database_and_the_file(province):  # type: ignore[no-untyped-def]
    NetblockFactory(unit=province.other_unit, block="14.160.0.0/16")
    rows = [["Mã đơn vị", "Dải IP"],
            ["SO-TTTT", "14.160.10.0/24"],              # nests in another unit's block: fine
            ["SO-TTTT", "14.160.255.0-14.161.0.255"],   # straddles the database's /16
            ["SO-TTTT", "10.0.0.5/24"],                 # host bits set
            ["SO-TTTT", "203.0.113.0/25"],
            ["TT-CNTT", "203.0.113.64-203.0.113.200"],  # straddles row 5
            ["TT-CNTT", "203.0.113.0/25"],              # exact duplicate of row 5
            ["SO-TTTT", "not-an-ip"]]
    found = where(errors_of("netblocks", rows))
    assert set(found) == {(3, "Dải IP"), (4, "Dải IP"), (6, "Dải IP"), (7, "Dải IP"), (8, "Dải IP")}
    assert Netblock.objects.count() == 1


def test_real_vietnamese_prefixes_import_and_nest(province, corpora):  # type: ignore[no-untyped-def]
    lines = (corpora / "vn-ip-space/country-ip-blocks/ipv4-vn.cidr").read_text().split()
    prefixes = [line for line in lines if line and not line.startswith("#")][:300]
    rows = [["unit", "block"], *[["SO-TTTT", prefix] for prefix in prefixes]]
    assert run_import("netblocks", "n.csv", csv_bytes(rows)).created == len(prefixes)
    first = prefixes[0].split("/")[0]
    nested = [["unit", "cidr"], ["BV-DK", f"{first}/28"]]
    assert run_import("netblocks", "n.csv", csv_bytes(nested)).created == 1
    assert run_import("netblocks", "n.csv", csv_bytes(rows)).unchanged == len(prefixes)


ASSET_HEADER = ["Mã đơn vị", "Tên tài sản", "Vai trò", "Kết nối Internet", "Địa chỉ IP", "Phần mềm"]


def asset_rows() -> list[list[str]]:
    return [ASSET_HEADER,
            ["SO-TTTT", "Cổng TTĐT", "Cổng thông tin", "có", "203.113.1.10, 203.113.1.11",
             "Apache | Tomcat | 9.0.85; WordPress | WordPress | 6.4.3"],
            ["BV-DK", "mail-01", "mail", "không", "2405:4800::25",
             "cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41:*:*:*:*:*:*\nnginx | nginx | 1.24.0"]]


def test_assets_import_with_software_addresses_and_audit(province):  # type: ignore[no-untyped-def]
    report = run_import("assets", "a.csv", csv_bytes(asset_rows()))
    assert (report.created, report.total) == (2, 2)
    portal = Asset.objects.get(name="Cổng TTĐT")
    assert portal.role == "web_portal" and portal.internet_facing
    assert sorted(portal.addresses.values_list("address", flat=True)) == ["203.113.1.10", "203.113.1.11"]
    mail = Asset.objects.get(name="mail-01")
    assert sorted(str(s) for s in mail.software.all()) == ["nginx nginx 1.24.0",
                                                           "synacor zimbra collaboration suite 8.8.15 p41"]
    entry = AuditEntry.objects.get(object_type="constituency.asset", object_id=str(portal.pk))
    assert entry.action == "create" and entry.changes["software"][1] == portal.audit_extra()["software"]
    assert entry.changes["name"] == [None, "Cổng TTĐT"] and entry.unit_id == province.own_unit.pk


def test_reimporting_the_same_file_changes_nothing(province):  # type: ignore[no-untyped-def]
    content = csv_bytes(asset_rows())
    run_import("assets", "a.csv", content)
    before = (AuditEntry.objects.count(), list(Asset.objects.values_list("updated_at", flat=True)),
              sorted(Software.objects.values_list("pk", flat=True)))
    report = run_import("assets", "a.csv", content)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    after = (AuditEntry.objects.count(), list(Asset.objects.values_list("updated_at", flat=True)),
             sorted(Software.objects.values_list("pk", flat=True)))
    assert after == before


def test_changes_are_detected_and_audited_with_before_and_after(province):  # type: ignore[no-untyped-def]
    run_import("assets", "a.csv", csv_bytes(asset_rows()))
    rows = asset_rows()
    rows[1][4] = "203.113.1.12"
    rows[2][5] = "nginx | nginx | 1.26.1"
    report = run_import("assets", "a.csv", csv_bytes(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    portal = Asset.objects.get(name="Cổng TTĐT")
    assert list(portal.addresses.values_list("address", flat=True)) == ["203.113.1.12"]
    assert portal.software.count() == 2  # untouched software stays
    mail = Asset.objects.get(name="mail-01")
    update = AuditEntry.objects.get(object_id=str(mail.pk), action="update")
    assert update.changes["software"][1] == ["nginx | nginx | 1.26.1"] and "ip_addresses" not in update.changes
    assert AuditEntry.objects.get(object_id=str(portal.pk), action="update").changes["ip_addresses"] == [
        "203.113.1.10, 203.113.1.11", "203.113.1.12"]


def test_an_asset_file_without_a_software_column_leaves_software_alone(province):  # type: ignore[no-untyped-def]
    asset = AssetFactory(unit=province.own_unit, name="db-01")
    Software.objects.create(asset=asset, vendor="Oracle", product="MySQL", version="8.0.36")
    report = run_import("assets", "a.csv", csv_bytes([["unit", "name", "hostname"],
                                                      ["SO-TTTT", "db-01", asset.hostname]]))
    assert report.unchanged == 1 and asset.software.count() == 1


def test_bad_asset_rows_are_named(province):  # type: ignore[no-untyped-def]
    rows = [ASSET_HEADER,
            ["SO-TTTT", "a", "server", "có", "300.1.1.1", ""],
            ["SO-TTTT", "b", "server", "có", "", "just a product name"],
            ["SO-TTTT", "c", "server", "có", "", "cpe:2.3:a:broken"],
            ["NOPE", "d", "server", "", "", ""],
            ["SO-TTTT", "a", "", "", "", ""]]
    found = where(errors_of("assets", rows))
    assert found == [(2, "Địa chỉ IP"), (3, "Phần mềm"), (4, "Phần mềm"), (5, "Mã đơn vị"), (6, "Tên tài sản")]


def test_an_officer_may_only_import_into_their_own_units(province, users):  # type: ignore[no-untyped-def]
    rows = [["unit", "name"], ["TT-CNTT", "own-sub"], ["BV-DK", "other"]]
    with acting_as(users[Role.UNIT_OFFICER], "api"), pytest.raises(ImportFailed) as caught:
        run_import("assets", "a.csv", csv_bytes(rows))
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "unit")]
    with acting_as(users[Role.UNIT_OFFICER], "api"), pytest.raises(ImportFailed, match="may not import"):
        run_import("units", "u.csv", csv_bytes([["code", "name"], ["X", "y"]]))
    assert not Asset.objects.exists()


def test_audit_entries_carry_the_actor_and_channel(province, users):  # type: ignore[no-untyped-def]
    with acting_as(users[Role.SOC_ADMIN], "cli"):
        run_import("units", "u.csv", csv_bytes([["code", "name"], ["NEW", "Đơn vị mới"]]))
    entry = AuditEntry.objects.get(object_type="constituency.unit")
    assert (entry.actor, entry.channel, entry.action) == (users[Role.SOC_ADMIN], "cli", "create")


def test_unit_update_sets_only_what_changed(province):  # type: ignore[no-untyped-def]
    UnitFactory(code="HX", name="Huyện X", phone="0233")
    ContactFactory(unit=province.own_unit)
    report = run_import("units", "u.csv", csv_bytes([["code", "name", "parent"], ["HX", "Huyện X", "SO-TTTT"]]))
    assert report.updated == 1
    entry = AuditEntry.objects.get(object_type="constituency.unit", action="update")
    assert entry.changes == {"parent": [None, province.own_unit.pk]}
    assert Unit.objects.get(code="HX").phone == "0233"


def test_assets_file_keeps_address_index_consistent(province):  # type: ignore[no-untyped-def]
    run_import("assets", "a.csv", csv_bytes(asset_rows()))
    assert AssetAddress.objects.count() == 3
    assert set(AssetAddress.objects.values_list("version", flat=True)) == {4, 6}
