"""The province summary over time (table, SVG charts, exports) and the unit page's Botnet panel."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from canhgac.core.access import Role
from canhgac.findings.models import Finding
from canhgac.intel.models import FeedBatch
from canhgac.intel.summary import province_summary
from canhgac.intel.tests.viewdata import HOSTILE_FAMILY, Feeds, import_list

pytestmark = pytest.mark.django_db


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def row_of(html: str, period: str) -> list[str]:
    return cells(html.split(f'id="month-{period}"')[1].split("</tr>")[0])


def test_the_soc_sees_the_province_month_by_month(feeds: Feeds, login: Any) -> None:
    html = login(feeds.users[Role.AUDITOR]).get(reverse("intel:summary")).content.decode()
    march, april = row_of(html, "2026-03"), row_of(html, "2026-04")
    # period, listed, still listed, new, units, families
    assert march[:5] == ["2026-03", "5", "0", "5", "3"]
    assert april[:5] == ["2026-04", "3", "2", "1", "2"]
    assert april[5].startswith("Mirai (2)") and "Emotet (1)" in april[5]
    assert march[5].startswith("Mirai (2)")
    assert "&lt;script&gt;" in html and HOSTILE_FAMILY not in html


def test_an_officer_sees_their_units_only(feeds: Feeds, login: Any) -> None:
    html = login(feeds.users[Role.UNIT_OFFICER]).get(reverse("intel:summary")).content.decode()
    assert row_of(html, "2026-03")[:5] == ["2026-03", "3", "0", "3", "2"]
    assert row_of(html, "2026-04")[:5] == ["2026-04", "1", "1", "0", "1"]
    assert "Emotet" not in html and "HYPERLINK" not in html  # the other unit's families
    months = province_summary(feeds.users[Role.UNIT_OFFICER])
    assert [(month.period, month.listed, month.units) for month in months] == [("2026-03", 3, 2), ("2026-04", 1, 1)]


def test_the_charts_are_svg_without_inline_style_or_script(feeds: Feeds, login: Any) -> None:
    html = login(feeds.users[Role.SOC_ANALYST]).get(reverse("intel:summary")).content.decode()
    assert html.count("<svg") == 2 and 'id="chart-listed"' in html and 'id="chart-units"' in html
    svg = html.split('id="chart-listed"')[1].split("</svg>")[0]
    heights = [float(value) for value in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"',
                                                    svg)]
    assert len(heights) == 2 + 1  # two months, and April's recurrences drawn inside its bar
    assert heights[0] > heights[1] > heights[2] > 0  # 5 listed in March, 3 in April, 2 of them still listed
    assert "style=" not in html.split("<main")[1] and "<script>" not in html and "," not in svg.split('x="')[1][:8]


def test_a_source_filter_and_a_bad_month_count(feeds: Feeds, login: Any) -> None:
    import_list("14.161.0.50\n", feeds.users[Role.SOC_ADMIN], "2026-04", name="ss.txt", source="shadowserver")
    client = login(feeds.users[Role.SOC_ANALYST])
    html = client.get(reverse("intel:summary"), {"source": "shadowserver"}).content.decode()
    assert 'id="month-2026-04"' in html and 'id="month-2026-03"' not in html
    everything = client.get(reverse("intel:summary")).content.decode()
    assert row_of(everything, "2026-04")[1].endswith("4")  # both lists of April, each address once
    assert client.get(reverse("intel:summary"), {"months": "0"}).status_code == 200
    assert client.get(reverse("intel:summary_export"), {"months": "999"}).status_code == 400
    one = client.get(reverse("intel:summary"), {"months": "1"}).content.decode()
    assert 'id="month-2026-04"' in one and 'id="month-2026-03"' not in one


def test_the_summary_exports(feeds: Feeds, login: Any) -> None:
    client = login(feeds.users[Role.SOC_ANALYST])
    response = client.get(reverse("intel:summary_export"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert [row[:5] for row in rows[1:]] == [("2026-04", "3", "2", "1", "2"), ("2026-03", "5", "0", "5", "3")]
    text = b"".join(client.get(reverse("intel:summary_export")).streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[2][:2] == ["2026-03", "5"]
    officer = login(feeds.users[Role.UNIT_OFFICER]).get(reverse("intel:summary_export"))
    assert "Emotet" not in b"".join(officer.streaming_content).decode("utf-8-sig")


def test_the_unit_page_has_a_botnet_panel_with_its_subunits_addresses(feeds: Feeds, login: Any) -> None:
    province = feeds.province
    client = login(feeds.users[Role.UNIT_OFFICER])
    html = client.get(reverse("constituency:unit_detail", args=[province.own_unit.pk])).content.decode()
    panel = html.split('id="botnet"')[1].split("</section>")[0]
    assert 'id="botnet-total">3<' in panel
    rows = {cells(row)[1]: row for row in panel.split("<tr>")[2:]}
    assert set(rows) == {"14.161.0.10", "14.161.0.11", "14.161.1.20"}  # the sub-unit's address too
    portal = rows["14.161.0.10"]
    assert "2026-03" in portal and "2026-04" in portal and '<td class="numeric">2</td>' in portal
    assert "Mirai" in portal and "Cổng thông tin điện tử" in portal and ">23<" in portal
    finding = Finding.objects.get(unit=province.own_unit, dedup_key="14.161.0.10")
    assert f'href="{reverse("findings:finding_detail", args=[finding.pk])}"' in portal
    assert "14.162.0." not in html
    assert 'href="/findings/?unit_tree=SO-TTTT&amp;source=botnet"' in panel
    other = login(feeds.users[Role.SOC_ADMIN]).get(reverse("constituency:unit_detail",
                                                           args=[province.other_unit.pk])).content.decode()
    assert 'id="botnet-total">3<' in other and "14.161.0." not in other.split('id="botnet"')[1]


def test_no_botnet_panel_for_a_unit_never_listed(province: Any, users: dict[Any, Any], login: Any) -> None:
    html = login(users[Role.SOC_ADMIN]).get(reverse("constituency:unit_detail",
                                                    args=[province.own_unit.pk])).content.decode()
    assert 'id="botnet"' not in html


def test_the_province_summary_is_counted_again_when_a_batch_arrives(feeds: Feeds, login: Any) -> None:
    analyst = feeds.users[Role.SOC_ANALYST]
    assert [month.listed for month in province_summary(analyst)] == [5, 3]
    import_list("14.161.0.60\n14.162.0.60\n", feeds.users[Role.SOC_ADMIN], "2026-04", name="adhoc.txt")
    assert [month.listed for month in province_summary(analyst)] == [5, 5]
    FeedBatch.objects.filter(period="2026-04", filename="adhoc.txt").delete()
    assert [month.listed for month in province_summary(analyst)] == [5, 3]
