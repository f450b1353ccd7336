"""Export of the findings list: the filtered rows the user may see, as CSV (UTF-8 with BOM) or XLSX, headers in the
user's language, formula-like cells defused, an invalid filter refused rather than widened to everything."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from canhgac.constituency.tests.factories import AssetFactory
from canhgac.core.access import Role
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
EXPORT = "/findings/export/"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def listed(province: Any) -> dict[str, Any]:
    asset = AssetFactory(unit=province.own_unit, name="=HYPERLINK(\"http://evil\")")
    return {
        "own": FindingFactory(unit=province.own_unit, asset=asset, dedup_key="14.161.0.7", severity="critical",
                              title="=1+2", evidence={"family": "@SUM(A1)", "port": 23}),
        "sub": FindingFactory(unit=province.own_subunit, dedup_key="14.161.1.8", severity="low",
                              title="Địa chỉ bị liệt kê"),
        "other": FindingFactory(unit=province.other_unit, dedup_key="14.162.0.9"),
    }


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_holds_the_filtered_rows_with_headers(login: Any, users: dict, listed: dict) -> None:
    client = login(users[Role.SOC_ADMIN])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(EXPORT + "?unit_tree=SO-TTTT&format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="canhgac-findings-')
    rows = csv_rows(response)
    assert rows[0][:6] == ["ID", "Unit code", "Unit", "Source", "Subject", "Title"]
    by_subject = {row[4]: row for row in rows[1:]}
    assert set(by_subject) == {"14.161.0.7", "14.161.1.8"}
    assert by_subject["14.161.1.8"][5] == "Địa chỉ bị liệt kê"
    assert by_subject["14.161.0.7"][6] == "Critical"


def test_formula_like_cells_are_defused(login: Any, users: dict, listed: dict) -> None:
    rows = csv_rows(login(users[Role.SOC_ADMIN]).get(EXPORT + "?unit=SO-TTTT"))
    row = rows[1]
    assert row[5] == "'=1+2"
    assert row[10] == "'=HYPERLINK(\"http://evil\")"
    assert row[-1] == '{"family": "@SUM(A1)", "port": 23}'  # JSON starts with "{": nothing to run
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)


def test_headers_follow_the_users_language(login: Any, users: dict, listed: dict) -> None:
    rows = csv_rows(login(users[Role.SOC_ADMIN]).get(EXPORT))  # Vietnamese unless the user switched
    assert rows[0][0] == "Mã số" and rows[0][1] != "Unit code"


def test_an_officer_exports_only_their_units(login: Any, users: dict, listed: dict) -> None:
    client = login(users[Role.UNIT_OFFICER])
    subjects = {row[4] for row in csv_rows(client.get(EXPORT))[1:]}
    assert subjects == {"14.161.0.7", "14.161.1.8"}
    assert len(csv_rows(client.get(EXPORT + "?unit=BV-DK"))) == 1  # another unit by name: the header only


def test_xlsx_holds_the_same_rows(login: Any, users: dict, listed: dict) -> None:
    response = login(users[Role.AUDITOR]).get(EXPORT + "?format=xlsx&severity=critical")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][4] == "14.161.0.7" and values[1][5] == "'=1+2"


@pytest.mark.parametrize("query", ["format=pdf", "state=nonsense", "priority=x"])
def test_a_bad_format_or_filter_is_refused(login: Any, users: dict, listed: dict, query: str) -> None:
    assert login(users[Role.SOC_ADMIN]).get(f"{EXPORT}?{query}").status_code == 400


def test_the_list_links_its_export_with_the_filters(login: Any, users: dict, listed: dict) -> None:
    html = login(users[Role.SOC_ADMIN]).get(reverse("findings:finding_list") + "?severity=low&page=1&sort=due") \
        .content.decode()
    assert 'href="/findings/export/?severity=low&amp;format=csv"' in html
    assert 'href="/findings/export/?severity=low&amp;format=xlsx"' in html
