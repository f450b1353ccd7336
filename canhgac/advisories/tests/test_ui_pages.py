"""The advisories console's reading pages on real records: priority order, a warning's units and charts, why each
asset matched, an officer's view of their units only, the unit panel, the overdue list, exports."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from canhgac.advisories.models import Advisory, Exposure, Vulnerability
from canhgac.advisories.tests.helpers import host
from canhgac.advisories.tests.ui_world import SPRING
from canhgac.core.access import Role
from canhgac.findings.models import Finding, FindingState

pytestmark = pytest.mark.django_db


def advisory(identifier: str) -> Advisory:
    return Advisory.objects.get(source_id=identifier)


def rows_of(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]


def test_the_advisory_list_puts_known_exploited_and_internet_facing_first(exposed: Any, users: Any,
                                                                          console: Any) -> None:
    page = console(users[Role.SOC_ANALYST]).get(reverse("advisories:advisory_list"))
    assert page.status_code == 200
    html = page.content.decode()
    order = re.findall(r'<div class="small mono text-body-secondary">(CVE-[\d-]+)</div>', html)
    # Known exploited first: Spring4Shell (on an internet-facing asset), then the Word flaw (CVSS 6.5, on no asset)
    # and the Zimbra one (no score, on an internal mail server); BIG-IP, not known exploited, last though it is on
    # an internet-facing load balancer.
    assert order == ["CVE-2022-22965", "CVE-2023-36761", "CVE-2023-37580", "CVE-2023-46747"]
    spring = rows_of(html, "rows")[0]
    cells = re.findall(r'<td class="numeric">(.*?)</td>', spring, re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == ["1", "4", "9.8", "3", "3"]
    hit = console(users[Role.SOC_ANALYST]).get(reverse("advisories:advisory_list"), {"affecting": "false"})
    assert "CVE-2023-36761" in hit.content.decode() and "CVE-2022-22965" not in hit.content.decode()


def test_officers_may_not_list_every_advisory_but_see_the_warnings_hitting_their_units(
        exposed: Any, users: Any, console: Any) -> None:
    officer = console(users[Role.UNIT_OFFICER])
    assert officer.get(reverse("advisories:advisory_list")).status_code == 403
    assert officer.get(reverse("advisories:advisory_export")).status_code == 403
    html = officer.get(reverse("advisories:warning_list")).content.decode()
    assert "CVE-2022-22965" in html and "CVE-2023-37580" in html
    assert "CVE-2023-46747" not in html  # BIG-IP is only on the other unit's load balancer
    spring = next(row for row in rows_of(html, "rows") if "CVE-2022-22965" in row)
    exposures = re.findall(r'<td class="numeric">(.*?)</td>', spring, re.S)[3]
    assert exposures.strip() == "2"  # own-app and sub-app, not the other unit's
    sub = officer.get(reverse("advisories:warning_list"), {"unit_tree": "TT-CNTT"}).content.decode()
    [spring] = rows_of(sub, "rows")  # the sub-unit runs Spring only, on one asset of a level-4 system
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<td class="numeric">(.*?)</td>', spring,
                                                                        re.S)] == ["0", "4", "9.8", "1", "1"]
    other = officer.get(reverse("advisories:warning_list"), {"unit_tree": "BV-DK"}).content.decode()
    assert "CVE-2023-46747" not in other and "CVE-2022-22965" not in other  # not theirs to see


def test_a_warning_page_for_an_officer_shows_their_units_only(exposed: Any, users: Any, console: Any) -> None:
    officer = console(users[Role.UNIT_OFFICER])
    assert officer.get(reverse("advisories:advisory_detail", args=[advisory("CVE-2023-46747").pk])).status_code \
        == 404
    html = officer.get(reverse("advisories:advisory_detail", args=[advisory("CVE-2022-22965").pk])).content.decode()
    assert "own-app" in html and "sub-app" in html and "other-app" not in html and "BV-DK" not in html
    assert 'id="notices"' not in html  # notifying is the SOC's
    vulnerability = Vulnerability.objects.get(identifier="CVE-2023-46747")
    assert officer.get(reverse("advisories:vulnerability_detail", args=[vulnerability.pk])).status_code == 404
    assert officer.get(reverse("advisories:warning_export", args=[advisory("CVE-2023-46747").pk])).status_code \
        == 404


def test_a_warning_page_counts_open_overdue_and_fixed_per_unit_with_svg_charts(exposed: Any, users: Any,
                                                                                console: Any) -> None:
    spring = Finding.objects.filter(dedup_key__startswith="CVE-2022-22965@")
    assert spring.count() == 3
    spring.filter(asset=exposed["sub"]).update(state=FindingState.RESOLVED)
    spring.filter(asset=exposed["own"]).update(due_on=datetime.date(2020, 1, 1))
    page = console(users[Role.SOC_ANALYST]).get(reverse("advisories:advisory_detail",
                                                        args=[advisory("CVE-2022-22965").pk]))
    html = page.content.decode()
    units = {re.search(r'id="unit-([^"]+)"', row).group(1): row  # type: ignore[union-attr]
             for row in re.findall(r'<tr id="unit-[^"]+">.*?</tr>', html, re.S)}
    assert set(units) == {"SO-TTTT", "TT-CNTT", "BV-DK"}

    def figures(code: str) -> tuple[str, ...]:
        row = units[code]
        return tuple(re.search(rf'class="numeric {name}[^"]*">(\d+)<', row).group(1)  # type: ignore[union-attr]
                     for name in ("open", "overdue", "fixed"))

    assert figures("SO-TTTT") == ("1", "1", "0")
    assert figures("TT-CNTT") == ("0", "0", "1")
    assert figures("BV-DK") == ("1", "0", "0")
    assert html.count("<svg class=\"w-100 h-auto progress-chart\"") == 2
    assert "style=" not in html and "<script>" not in html  # the CSP allows neither inline
    assert "SO-TTTT: 1 overdue" in html and "TT-CNTT: 1 fixed" in html


def test_each_affected_asset_says_which_rule_matched_it(exposed: Any, users: Any, console: Any) -> None:
    html = console(users[Role.AUDITOR]).get(reverse("advisories:advisory_detail",
                                                    args=[advisory("CVE-2023-37580").pk])).content.decode()
    [row] = rows_of(html, "exposures")
    assert "mail" in row and "8.8.15 Patch 39" in row
    reason = re.sub(r"\s+", " ", re.search(r'class="small reason">(.*?)</td>', row, re.S).group(1))  # type: ignore
    assert "CVE-2023-37580" in reason and "read from" in reason
    vulnerability = Vulnerability.objects.get(identifier="CVE-2022-22965")
    detail = console(users[Role.SOC_ADMIN]).get(reverse("advisories:vulnerability_detail", args=[vulnerability.pk]))
    text = detail.content.decode()
    assert "&gt;= 5.3, &lt; 5.3.18" in text and "containers.cna.affected[0].versions[0] (text)" in text
    first = rows_of(text, "exposures")[0]
    assert "own-app" in first  # internet-facing first


def test_the_unit_page_has_a_vulnerabilities_panel(exposed: Any, users: Any, province: Any, console: Any) -> None:
    officer = console(users[Role.UNIT_OFFICER])
    html = officer.get(reverse("constituency:unit_detail", args=[province.own_unit.pk])).content.decode()
    panel = html.split('id="vulnerabilities"', 1)[1].split("</section>", 1)[0]
    assert 'id="vulnerabilities-total">2<' in panel
    assert panel.index("CVE-2022-22965") < panel.index("CVE-2023-37580")  # internet-facing first
    assert "1 internet-facing" in panel
    assert "unit_tree=SO-TTTT" in panel


def test_the_overdue_list_groups_late_fixes_by_unit(exposed: Any, users: Any, province: Any, console: Any) -> None:
    Finding.objects.filter(source="advisory").update(due_on=datetime.date(2020, 1, 1))
    Finding.objects.filter(asset=exposed["mail"]).update(state=FindingState.RESOLVED)
    soc = console(users[Role.SOC_ANALYST]).get(reverse("advisories:overdue_list")).content.decode()
    by_unit = soc.split('id="by-unit"', 1)[1].split("</section>", 1)[0]
    assert by_unit.index("BV-DK") < by_unit.index("SO-TTTT")  # two late at the hospital, one at the department
    assert soc.count("findings/") >= 4 and "mail" not in rows_of(soc, "rows")[0]
    officer = console(users[Role.UNIT_OFFICER]).get(reverse("advisories:overdue_list")).content.decode()
    assert "BV-DK" not in officer and "own-app" in officer and "sub-app" in officer


def test_the_findings_list_orders_advisory_findings_by_priority(exposed: Any, users: Any, console: Any) -> None:
    html = console(users[Role.SOC_ANALYST]).get(reverse("findings:finding_list"),
                                                {"source": "advisory"}).content.decode()
    priorities = re.findall(r'title="[^"]*">P(\d)</span>', html)
    assert priorities == ["1", "1", "1", "1", "2"]  # known exploited first; BIG-IP is not, but internet-facing
    assert len(priorities) == Finding.objects.filter(source="advisory").count() == 5


def test_exports_are_scoped_and_formula_safe(exposed: Any, users: Any, province: Any, console: Any) -> None:
    host(province.own_unit, "=HYPERLINK(\"http://evil\")", SPRING)
    from canhgac.advisories.services import match_all

    match_all()
    spring = advisory("CVE-2022-22965")
    answer = console(users[Role.UNIT_OFFICER]).get(reverse("advisories:warning_export", args=[spring.pk]),
                                                   {"format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assets = sorted(row[2] for row in rows[1:])
    assert assets == ["'=HYPERLINK(\"http://evil\")", "own-app", "sub-app"]  # not the other unit's
    assert all(">= 5.3, < 5.3.18" in row[-1] for row in rows[1:])
    workbook = console(users[Role.SOC_ANALYST]).get(reverse("advisories:advisory_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == "CVE-2022-22965" and len(values) == 5
    assert console(users[Role.SOC_ANALYST]).get(reverse("advisories:advisory_export"),
                                                {"format": "exe"}).status_code == 400
    assert Exposure.objects.filter(asset__name__startswith="=").count() == 1


@pytest.mark.parametrize(("role", "url", "baseline"), [
    (Role.SOC_ANALYST, "advisories:advisory_list", 11),
    (Role.UNIT_OFFICER, "advisories:warning_list", 13),
    (Role.SOC_ANALYST, "advisories:overdue_list", 9),
])
def test_list_pages_read_a_fixed_number_of_queries(exposed: Any, users: Any, console: Any, corpora: Any,
                                                   django_assert_max_num_queries: Any, role: str, url: str,
                                                   baseline: int) -> None:
    from canhgac.advisories.tests.helpers import load

    load(corpora / "nvd-cve/CVE-2023-37580.nvd-1.1.json")
    load(corpora / "cve-json5/CVE-2023-29357.json")
    Finding.objects.update(due_on=datetime.date(2020, 1, 1))
    client = console(users[role])
    client.get(reverse(url))  # the session and the menu's caches
    with django_assert_max_num_queries(baseline):  # the priority figures are subqueries of the page's one query
        assert client.get(reverse(url)).status_code == 200


def test_hostile_text_of_a_record_is_shown_as_text(exposed: Any, users: Any, province: Any, console: Any) -> None:
    from canhgac.advisories.tests.helpers import load, warning

    hostile = '<script>alert(1)</script><svg onload="x()">'
    load(warning("66/<b>CATTT</b>", ["CVE-2022-22965"], [{"vendor": "VMware", "product": "Spring Framework",
                                                          "versions": "5.3.x"}], title=hostile, summary=hostile))
    soc = console(users[Role.SOC_ANALYST])
    listed = soc.get(reverse("advisories:advisory_list"), {"source": "soc"}).content.decode()
    page = soc.get(reverse("advisories:advisory_detail", args=[Advisory.objects.get(source="soc").pk]))
    for html in (listed, page.content.decode()):
        assert "<script>alert(1)" not in html and 'onload="x()"' not in html and "<b>CATTT" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    notices = soc.get(reverse("advisories:notice_preview", args=[Advisory.objects.get(source="soc").pk]))
    assert "<script>alert(1)" not in notices.content.decode()


def test_chart_coordinates_are_not_localised(exposed: Any, users: Any, client: Any) -> None:
    """In Vietnamese a decimal is written 9,8: the SVG's coordinates must stay 150.5, or the chart breaks."""
    Finding.objects.filter(asset=exposed["sub"]).update(state=FindingState.RESOLVED)
    client.force_login(users[Role.SOC_ANALYST])
    html = client.get(reverse("advisories:advisory_detail", args=[advisory("CVE-2022-22965").pk])).content.decode()
    assert 'lang="vi"' in html
    charts = re.findall(r'<svg class="w-100 h-auto progress-chart".*?</svg>', html, re.S)
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]*)"', "".join(charts))
    assert coordinates and all(re.fullmatch(r"\d+(\.\d+)?", value) for value in coordinates), coordinates


def test_the_priority_sort_turns_round_and_back(exposed: Any, users: Any, console: Any) -> None:
    soc = console(users[Role.SOC_ANALYST])

    def order(**query: str) -> list[str]:
        html = soc.get(reverse("advisories:advisory_list"), query).content.decode()
        return re.findall(r'<div class="small mono text-body-secondary">(CVE-[\d-]+)</div>', html)

    urgent = order()
    assert urgent[0] == "CVE-2022-22965" and order(sort="priority") == urgent[::-1]
    assert order() == urgent  # reversing one request's order leaves the next one's alone
    assert order(sort="-cvss")[-1] == "CVE-2023-37580"  # no score: last
    html = soc.get(reverse("advisories:advisory_list")).content.decode()
    assert 'aria-sort="descending">Exploited ▼' in html
