"""The batch list and page, the hit and address lists and the hits export: what the SOC sees, what an officer sees
(their units' hits, the file's own counts, never the province's or another unit's), escaping and formula cells."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from canhgac.core.access import Role
from canhgac.intel.models import FeedBatch
from canhgac.intel.tests.viewdata import FORMULA_FAMILY, HOSTILE_FAMILY, Feeds, import_list

pytestmark = pytest.mark.django_db


def page(client: Any, url: str, **query: Any) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_soc_batch_page_shows_the_counts_units_and_invalid_lines(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.AUDITOR])
    html = page(client, reverse("intel:batch_detail", args=[feeds.march.pk]))
    counts = {"lines": 9, "valid": 7, "invalid": 1, "duplicates": 1, "matched": 5, "outside": 1, "units": 3}
    for name, value in counts.items():
        assert f'id="count-{name}">{value}<' in html, name
    assert feeds.march.sha256 in html and "123/VNCERT-ĐPƯC" in html
    province = feeds.province
    assert f'id="unit-hits-{province.own_unit.pk}">2<' in html
    assert f'id="unit-hits-{province.own_subunit.pk}">1<' in html
    assert f'id="unit-hits-{province.other_unit.pk}">2<' in html
    assert f"?batch={feeds.march.pk}&amp;unit=BV-DK" in html  # each unit's hits are linked
    assert 'id="batch-warnings"' in html and f'href="/feeds/{feeds.march.pk}/warnings/"' in html
    invalid = html.split('id="invalid-table"')[1].split("</table>")[0]
    assert "<td class=\"numeric\">9</td>" in invalid and "not-an-ip" in invalid


def test_an_officer_sees_the_batches_of_their_units_with_their_hits_only(feeds: Feeds, login: Any) -> None:
    other_only = import_list("14.162.0.99\n", feeds.users[Role.SOC_ADMIN], "2026-05", name="other.txt")
    client = login(feeds.users[Role.UNIT_OFFICER])
    listing = page(client, reverse("intel:batch_list"))
    assert f'href="/feeds/{feeds.march.pk}/"' in listing and f'href="/feeds/{feeds.april.pk}/"' in listing
    assert f'href="/feeds/{other_only.result["batch"]}/"' not in listing
    assert client.get(reverse("intel:batch_detail", args=[other_only.result["batch"]])).status_code == 404
    html = page(client, reverse("intel:batch_detail", args=[feeds.march.pk]))
    assert 'id="count-lines">9<' in html and 'id="count-your-hits">3<' in html  # the file's counts, their hits
    for hidden in ('id="count-matched"', 'id="count-outside"', 'id="count-units"', 'id="invalid-table"',
                   'id="batch-warnings"',
                   "not-an-ip", "BV-DK", f'id="unit-hits-{feeds.province.other_unit.pk}"'):
        assert hidden not in html, hidden
    assert f'id="unit-hits-{feeds.province.own_unit.pk}">2<' in html


def test_an_officer_lists_and_exports_only_their_units_hits(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.UNIT_OFFICER])
    hits = page(client, reverse("intel:hit_list"), batch=feeds.march.pk)
    assert "14.161.0.10" in hits and "14.161.1.20" in hits and "14.162.0.30" not in hits
    addresses = page(client, reverse("intel:address_list"))
    assert "14.161.0.10" in addresses and "14.162.0.31" not in addresses
    exported = client.get(reverse("intel:hit_export"), {"batch": feeds.march.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[6] for row in rows[1:]) == ["14.161.0.10", "14.161.0.11", "14.161.1.20"]
    spoofed = client.get(reverse("intel:hit_export"), {"unit": "BV-DK", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(b"".join(spoofed.streaming_content).decode("utf-8-sig"))))) == 1


def test_the_batch_export_opens_in_excel_with_formulas_neutralised(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    html = page(client, reverse("intel:batch_detail", args=[feeds.march.pk]))
    assert f"?batch={feeds.march.pk}&amp;format=xlsx" in html
    response = client.get(reverse("intel:hit_export"), {"batch": feeds.march.pk, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1 + 5  # header and the batch's five hits in the province
    by_address = {row[6]: row for row in rows[1:]}
    assert by_address["14.162.0.30"][11] == "'" + FORMULA_FAMILY  # text, not a formula
    assert by_address["14.161.0.11"][11] == HOSTILE_FAMILY
    assert by_address["14.161.0.10"][9] == "Cổng thông tin điện tử" and by_address["14.161.0.10"][4] == "SO-TTTT"
    assert all(not str(cell).startswith("=") for row in rows for cell in row)
    text = b"".join(client.get(reverse("intel:hit_export"), {"batch": feeds.march.pk}).streaming_content)
    assert text.startswith(b"\xef\xbb\xbf") and b"'=HYPERLINK" in text


def test_a_bad_export_request_is_refused_not_widened(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    assert client.get(reverse("intel:hit_export"), {"format": "pdf"}).status_code == 400
    assert client.get(reverse("intel:hit_export"), {"ip": "not-an-ip"}).status_code == 400
    assert client.get(reverse("intel:hit_export"), {"period": "2026-13"}).status_code == 400


def test_family_names_are_escaped_on_every_page(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ADMIN])
    for url in (reverse("intel:hit_list"), reverse("intel:address_list"),
                reverse("constituency:unit_detail", args=[feeds.province.own_unit.pk]), reverse("intel:summary")):
        html = page(client, url)
        assert HOSTILE_FAMILY not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_the_ip_filter_finds_the_hits_holding_an_address(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    html = page(client, reverse("intel:hit_list"), ip="14.161.0.10")
    assert html.count('<td class="mono">14.161.0.10</td>') == 2  # March and April
    assert "14.161.0.11" not in html


def test_invalid_lines_are_paginated(province: Any, users: dict[Any, Any], login: Any) -> None:
    from canhgac.constituency.tests.factories import NetblockFactory

    NetblockFactory(unit=province.own_unit, block="14.161.0.0/24")
    lines = [f"14.161.0.{n % 250}" if n % 10 else f"bad-{n}" for n in range(1, 701)]
    job = import_list("\n".join(lines) + "\n", users[Role.SOC_ANALYST], "2026-03", name="list.txt")
    batch = FeedBatch.objects.get(pk=job.result["batch"])
    assert batch.invalid == 70
    client = login(users[Role.SOC_ANALYST])
    first = page(client, reverse("intel:batch_detail", args=[batch.pk]))
    assert "bad-10<" in first and "bad-510<" not in first and "1 / 2" in first
    second = page(client, reverse("intel:batch_detail", args=[batch.pk]), invalid_page=2)
    assert "bad-510<" in second and "bad-10<" not in second


def test_batches_filter_by_source_and_period(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    html = page(client, reverse("intel:batch_list"), period="2026-04")
    assert f'href="/feeds/{feeds.april.pk}/"' in html and f'href="/feeds/{feeds.march.pk}/"' not in html
    assert 'id="total">0<' in page(client, reverse("intel:batch_list"), source="shadowserver")


def test_batch_list_sorting_by_each_role_s_own_figures(feeds: Feeds, login: Any) -> None:
    soc = login(feeds.users[Role.SOC_ANALYST])
    html = page(soc, reverse("intel:batch_list"), sort="-matched")
    assert html.index(f'href="/feeds/{feeds.march.pk}/"') < html.index(f'href="/feeds/{feeds.april.pk}/"')
    assert page(soc, reverse("intel:batch_list"), sort="hits")  # not the SOC's column: the default order
    officer = login(feeds.users[Role.UNIT_OFFICER])
    html = page(officer, reverse("intel:batch_list"), sort="hits")
    assert html.index(f'href="/feeds/{feeds.april.pk}/"') < html.index(f'href="/feeds/{feeds.march.pk}/"')
    assert page(officer, reverse("intel:batch_list"), sort="-matched")


def test_too_many_hits_for_a_spreadsheet_are_offered_as_csv(feeds: Feeds, login: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from canhgac.intel import exporting

    monkeypatch.setattr(exporting, "XLSX_HIT_LIMIT", 4)
    client = login(feeds.users[Role.SOC_ANALYST])
    html = page(client, reverse("intel:batch_detail", args=[feeds.march.pk]))
    assert 'id="export-csv"' in html and 'id="export-xlsx"' not in html
    assert client.get(reverse("intel:hit_export"), {"batch": feeds.march.pk, "format": "xlsx"}).status_code == 400
    assert client.get(reverse("intel:hit_export"), {"batch": feeds.april.pk, "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1e400", "1.5", "0"])
def test_a_batch_id_no_database_holds_is_a_filter_error(feeds: Feeds, login: Any, api_as: Any, value: str) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    for url in (reverse("intel:hit_list"), reverse("intel:address_list")):
        html = page(client, url, batch=value)
        assert 'class="invalid-feedback d-block"' in html and 'id="total">0<' not in html
    assert client.get(reverse("intel:hit_export"), {"batch": value}).status_code == 400
    assert api_as(feeds.users[Role.SOC_ANALYST]).get(reverse("hit-list"), {"batch": value}).status_code == 400
