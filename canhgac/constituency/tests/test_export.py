"""Export: Vietnamese/English headers, BOM, CSV-injection escaping, and export → import round trips."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from canhgac.constituency.exporting import export_file, export_filename
from canhgac.constituency.importing import IMPORT_KINDS, run_import
from canhgac.constituency.models import Asset, Contact, Netblock, Unit
from canhgac.constituency.services import parse_software_list, save_asset
from canhgac.constituency.tests.factories import AssetFactory, ContactFactory, NetblockFactory
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db

MODELS = {"units": Unit, "contacts": Contact, "netblocks": Netblock, "assets": Asset}
HOSTILE = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def registry(province):  # type: ignore[no-untyped-def]
    province.own_subunit.notes = HOSTILE
    province.own_subunit.save()
    ContactFactory(unit=province.own_unit, name="Lê Thị Hoa", phone="+84 912 345 678", focal_point=True)
    ContactFactory(unit=province.own_unit, name="Phạm Văn Bình", email="", focal_point=False)
    ContactFactory(unit=None, organisation="Cục An toàn thông tin", name="Trực ban", email="", hotline="-5")
    NetblockFactory(unit=province.own_unit, block="14.160.0.0/16", description="@mạng tỉnh")
    NetblockFactory(unit=province.other_unit, block="14.160.8.0-14.160.8.9")
    NetblockFactory(unit=province.other_unit, block="2405:4800::/32")
    portal = Asset(unit=province.own_unit, name="<b>Cổng</b>", role="web_portal", internet_facing=True,
                   ip_addresses="203.113.1.10, 2405:4800::10", description="\tTab đầu")
    save_asset(portal, None, parse_software_list(
        "Apache | Tomcat | 9.0.85; cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41:*:*:*:*:*:*"))
    AssetFactory(unit=province.other_unit, name="ws-01", role="workstation")
    return province


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_vietnamese_headers_and_escapes_formula_cells(registry):  # type: ignore[no-untyped-def]
    rows = read_csv(export_file("units", Unit.objects.all(), "csv"))
    assert rows[0][:3] == ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt"]
    notes = rows[0].index("Ghi chú")
    assert [row[notes] for row in rows if row[0] == "TT-CNTT"] == ["'" + HOSTILE]
    contacts = read_csv(export_file("contacts", Contact.objects.all(), "csv", language="en"))
    assert contacts[0][:3] == ["Unit code", "Organisation", "Name"]
    assert any("'+84 912 345 678" in row for row in contacts) and any("'-5" in row for row in contacts)


def test_xlsx_cells_are_text_never_formulas(registry):  # type: ignore[no-untyped-def]
    sheet = openpyxl.load_workbook(io.BytesIO(export_file("units", Unit.objects.all(), "xlsx"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'" + HOSTILE in [cell.value for cell in cells]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", IMPORT_KINDS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_export_then_import_changes_nothing(registry, kind, fmt, language):  # type: ignore[no-untyped-def]
    content = export_file(kind, MODELS[kind].objects.all(), fmt, language)
    audit_before = AuditEntry.objects.count()
    report = run_import(kind, export_filename(kind, fmt), content)
    assert report.unchanged == MODELS[kind].objects.count() == report.total
    assert (report.created, report.updated) == (0, 0) and AuditEntry.objects.count() == audit_before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_assets_recreated_from_an_export_equal_the_originals(registry, fmt):  # type: ignore[no-untyped-def]
    def state() -> list[tuple[object, ...]]:
        return sorted((a.unit.code, a.name, a.role, a.internet_facing, a.ip_addresses, a.description,
                       tuple(sorted(map(str, a.software.all()))),
                       tuple(sorted(a.addresses.values_list("key", flat=True)))) for a in Asset.objects.all())

    original = state()
    content = export_file("assets", Asset.objects.all(), fmt)
    Asset.objects.all().delete()
    assert run_import("assets", f"a.{fmt}", content).created == 2
    assert state() == original


def test_units_recreated_from_an_export_keep_their_tree(registry):  # type: ignore[no-untyped-def]
    content = export_file("units", Unit.objects.order_by("-code"), "csv")  # children before parents
    tree = sorted(Unit.objects.values_list("code", "parent__code", "kind", "notes"))
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()
    assert run_import("units", "u.csv", content).created == 3
    assert sorted(Unit.objects.values_list("code", "parent__code", "kind", "notes")) == tree


def test_export_filename_names_kind_and_format():  # type: ignore[no-untyped-def]
    name = export_filename("assets", "xlsx")
    assert name.startswith("canhgac-assets-") and name.endswith(".xlsx")


def test_unknown_kind_or_format_is_refused(db):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        export_file("secrets", Unit.objects.all())
    with pytest.raises(ValueError):
        export_file("units", Unit.objects.all(), "pdf")
