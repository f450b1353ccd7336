"""Findings console pages: every role on the list and a finding's page, the officer's scope (another unit's finding
is a 404 everywhere), filters and counts, a finding's asset, evidence and history, single steps with their rules,
and hostile text rendered as text."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from canhgac.constituency.tests.factories import AssetFactory, InformationSystemFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Channel
from canhgac.findings.models import Finding, FindingEvent, FindingState, Severity
from canhgac.findings.services import transition_finding
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
S = FindingState
ROLES = [Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR]


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client: Any) -> Any:
    """The console in English (it is Vietnamese unless the user switches), so messages can be read here."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def findings(province: Any) -> dict[str, Finding]:
    asset = AssetFactory(unit=province.own_subunit, name="cong-dich-vu", hostname="dichvu.example.gov.vn",
                         ip_addresses="14.161.0.10", role="web_portal", internet_facing=True)
    system = InformationSystemFactory(unit=province.own_subunit, name="Cổng dịch vụ công", security_level=3)
    system.assets.add(asset)
    return {
        "own": FindingFactory(unit=province.own_unit, dedup_key="14.161.0.7", severity=Severity.HIGH),
        "sub": FindingFactory(unit=province.own_subunit, asset=asset, dedup_key="14.161.0.10",
                              severity=Severity.CRITICAL, evidence={"family": ["mirai", "gafgyt"], "port": 23,
                                                                    "first_seen": "2026-10-02"}),
        "other": FindingFactory(unit=province.other_unit, dedup_key="14.162.0.9", severity=Severity.LOW),
    }


def rows_of(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/findings/(\d+)/"', html)]


def count(html: str, name: str) -> str:
    match = re.search(rf'id="count-{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_the_list_and_a_finding(login: Any, users: dict, findings: dict, role: str) -> None:
    client = login(users[role])
    listing = client.get(reverse("findings:finding_list"))
    assert listing.status_code == 200
    assert client.get(reverse("findings:finding_detail", args=[findings["own"].pk])).status_code == 200
    seen = set(rows_of(listing.content.decode()))
    everything = {finding.pk for finding in findings.values()}
    assert seen == (everything - {findings["other"].pk} if role == Role.UNIT_OFFICER else everything)


def test_an_officer_gets_404_for_another_units_finding_on_every_page(login: Any, users: dict,
                                                                     findings: dict) -> None:
    client = login(users[Role.UNIT_OFFICER])
    other = findings["other"].pk
    assert client.get(reverse("findings:finding_detail", args=[other])).status_code == 404
    response = client.post(reverse("findings:finding_transition", args=[other]), {"state": S.IN_PROGRESS})
    assert response.status_code == 404
    assert Finding.objects.get(pk=other).state == S.OPEN
    assert client.get(reverse("findings:finding_detail", args=[999999])).status_code == 404


def test_unknown_and_hostile_query_values_do_not_break_the_list(login: Any, users: dict, findings: dict) -> None:
    client = login(users[Role.SOC_ADMIN])
    for query in ("state=nonsense", "priority=9", "overdue=maybe", "page=99999", "sort=-nonsense", "asset=abc",
                  "q=%00%27%3Cscript%3E", "unit_tree=%3Cb%3E", "severity=%27%22"):
        response = client.get(reverse("findings:finding_list") + "?" + query)
        assert response.status_code == 200, query
        assert b"<script>" not in response.content


def test_filters_select_units_with_sub_units_state_severity_and_text(login: Any, users: dict, province: Any,
                                                                     findings: dict) -> None:
    client = login(users[Role.SOC_ANALYST])

    def listed(query: str) -> set[int]:
        return set(rows_of(client.get(reverse("findings:finding_list") + "?" + query).content.decode()))

    own, sub, other = findings["own"].pk, findings["sub"].pk, findings["other"].pk
    assert listed("unit=SO-TTTT") == {own}
    assert listed("unit_tree=SO-TTTT") == {own, sub}
    assert listed("severity=critical") == {sub}
    assert listed("q=14.162") == {other}
    assert listed("q=dichvu.example") == {sub}  # the asset's hostname
    assert listed(f"asset={findings['sub'].asset_id}") == {sub}
    assert listed("source=botnet") == {own, sub, other}
    transition_finding(findings["own"], S.RESOLVED, user=users[Role.SOC_ANALYST])
    assert listed("state=active") == {sub, other}
    assert listed("state=resolved") == {own}


def test_overdue_means_still_open_past_the_due_date(login: Any, users: dict, findings: dict) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Finding.objects.filter(pk__in=[findings["own"].pk, findings["other"].pk]).update(due_on=yesterday)
    transition_finding(findings["other"], S.RESOLVED, user=users[Role.SOC_ADMIN])  # resolved: no longer late
    client = login(users[Role.SOC_ADMIN])
    html = client.get(reverse("findings:finding_list") + "?overdue=true").content.decode()
    assert set(rows_of(html)) == {findings["own"].pk}
    assert count(html, "overdue") == "1"
    assert 'class="text-nowrap text-danger fw-semibold overdue"' in html


def test_the_summary_counts_each_state_under_the_other_filters(login: Any, users: dict, province: Any,
                                                              findings: dict) -> None:
    FindingFactory.create_batch(3, unit=province.other_unit, state=S.RESOLVED)
    client = login(users[Role.SOC_ADMIN])
    html = client.get(reverse("findings:finding_list") + "?state=resolved&unit=BV-DK").content.decode()
    assert (count(html, "all"), count(html, "open"), count(html, "resolved"), count(html, "active")) == \
        ("4", "1", "3", "1")
    assert len(rows_of(html)) == 3
    officer_html = login(users[Role.UNIT_OFFICER]).get(reverse("findings:finding_list")).content.decode()
    assert count(officer_html, "all") == "2" and count(officer_html, "resolved") == "0"


@pytest.mark.parametrize("sort", ["priority", "-priority", "severity", "-severity", "due", "state", "unit",
                                  "subject", "-title", "last_seen", "times_seen"])
def test_every_column_sorts(login: Any, users: dict, findings: dict, sort: str) -> None:
    html = login(users[Role.SOC_ADMIN]).get(reverse("findings:finding_list") + f"?sort={sort}").content.decode()
    assert len(rows_of(html)) == 3


def test_severity_sorts_by_gravity_not_alphabetically(login: Any, users: dict, findings: dict) -> None:
    html = login(users[Role.SOC_ADMIN]).get(reverse("findings:finding_list") + "?sort=severity").content.decode()
    assert rows_of(html) == [findings["sub"].pk, findings["own"].pk, findings["other"].pk]  # critical, high, low


def test_a_finding_page_shows_asset_system_evidence_and_history(login: Any, english: Any, users: dict,
                                                                findings: dict) -> None:
    finding = findings["sub"]
    transition_finding(finding, S.IN_PROGRESS, user=users[Role.UNIT_OFFICER], note="Đang cách ly máy chủ")
    html = login(users[Role.UNIT_OFFICER]).get(reverse("findings:finding_detail", args=[finding.pk])) \
        .content.decode()
    assert "cong-dich-vu" in html and "dichvu.example.gov.vn" in html
    assert "Cổng dịch vụ công" in html and "Level 3" in html
    assert "mirai, gafgyt" in html and "23" in html and "2026-10-02" in html
    timeline = html.split('id="timeline"')[1]
    assert "officer" in timeline and "Open → In progress" in timeline and "Đang cách ly máy chủ" in timeline
    assert f'href="/findings/?asset={finding.asset_id}"' in html


def test_the_step_form_offers_what_the_role_may_do(login: Any, english: Any, users: dict, findings: dict) -> None:
    url = reverse("findings:finding_detail", args=[findings["own"].pk])
    officer = login(users[Role.UNIT_OFFICER]).get(url).content.decode()
    options = re.findall(r'<option value="(\w+)"', officer.split('id="step"')[1])
    assert options == [S.IN_PROGRESS, S.RESOLVED]
    analyst = login(users[Role.SOC_ANALYST]).get(url).content.decode()
    options = re.findall(r'<option value="(\w+)"', analyst.split('id="step"')[1])
    assert options == [S.IN_PROGRESS, S.RESOLVED, S.ACCEPTED_RISK, S.FALSE_POSITIVE]
    assert "A note saying why is needed to move it to: Accepted risk, False positive." in analyst
    auditor = login(users[Role.AUDITOR]).get(url).content.decode()
    assert "<form" not in auditor.split('id="step"')[1].split("</section>")[0]


def test_an_officer_works_a_finding_through_the_console(login: Any, english: Any, users: dict,
                                                        findings: dict) -> None:
    client, finding = login(users[Role.UNIT_OFFICER]), findings["sub"]
    url = reverse("findings:finding_transition", args=[finding.pk])
    response = client.post(url, {"state": S.IN_PROGRESS, "note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("findings:finding_detail", args=[finding.pk])
    assert "The finding is now In progress." in response.content.decode()
    client.post(url, {"state": S.RESOLVED, "note": "Đã gỡ mã độc"})
    finding.refresh_from_db()
    assert finding.state == S.RESOLVED
    events = list(FindingEvent.objects.filter(finding=finding).values_list("from_state", "to_state", "channel"))
    assert events == [(S.OPEN, S.IN_PROGRESS, Channel.UI), (S.IN_PROGRESS, S.RESOLVED, Channel.UI)]
    assert AuditEntry.objects.filter(object_type="findings.finding", object_id=str(finding.pk)).count() == 2


def test_an_officer_cannot_take_the_socs_steps_and_is_told_why(login: Any, english: Any, users: dict,
                                                               findings: dict) -> None:
    client, finding = login(users[Role.UNIT_OFFICER]), findings["own"]
    response = client.post(reverse("findings:finding_transition", args=[finding.pk]),
                           {"state": S.FALSE_POSITIVE, "note": "Không phải của chúng tôi"})
    assert response.status_code == 200
    assert "Your role may not move a finding from Open to False positive; the SOC does that." in \
        response.content.decode()
    finding.refresh_from_db()
    assert finding.state == S.OPEN


def test_an_illegal_step_is_refused_with_what_is_allowed(login: Any, english: Any, users: dict,
                                                         findings: dict) -> None:
    finding = findings["other"]
    transition_finding(finding, S.RESOLVED, user=users[Role.SOC_ADMIN])
    client = login(users[Role.SOC_ADMIN])
    html = client.post(reverse("findings:finding_transition", args=[finding.pk]),
                       {"state": S.IN_PROGRESS}).content.decode()
    assert "A finding that is Resolved cannot become In progress; from Resolved it can become: Open, Verified." \
        in html
    html = client.post(reverse("findings:finding_transition", args=[finding.pk]), {"state": "gone"}).content.decode()
    assert "“gone” is not a state of a finding." in html


def test_a_step_that_needs_a_note_is_refused_without_one(login: Any, english: Any, users: dict,
                                                         findings: dict) -> None:
    client, finding = login(users[Role.SOC_ANALYST]), findings["other"]
    html = client.post(reverse("findings:finding_transition", args=[finding.pk]),
                       {"state": S.ACCEPTED_RISK, "note": "   "}).content.decode()
    assert "Say why in a note: moving a finding from Open to Accepted risk needs one." in html
    finding.refresh_from_db()
    assert finding.state == S.OPEN
    client.post(reverse("findings:finding_transition", args=[finding.pk]),
                {"state": S.ACCEPTED_RISK, "note": "Máy chủ thử nghiệm, sẽ tắt trong tháng"})
    finding.refresh_from_db()
    assert finding.state == S.ACCEPTED_RISK


def test_the_auditor_may_not_take_a_step(login: Any, users: dict, findings: dict) -> None:
    client = login(users[Role.AUDITOR])
    response = client.post(reverse("findings:finding_transition", args=[findings["own"].pk]),
                           {"state": S.IN_PROGRESS})
    assert response.status_code == 403
    assert client.get(reverse("findings:finding_transition", args=[findings["own"].pk])).status_code == 403


def test_hostile_text_is_shown_as_text(login: Any, users: dict, province: Any) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    unit = UnitFactory(code="XSS-1", name=hostile, parent=province.own_unit)
    finding = FindingFactory(unit=unit, dedup_key=hostile, title=hostile, source="botnet",
                             evidence={hostile: [hostile], "family": hostile})
    client = login(users[Role.UNIT_OFFICER])
    transition_finding(finding, S.IN_PROGRESS, user=users[Role.UNIT_OFFICER], note=hostile)
    for url in (reverse("findings:finding_list"), reverse("findings:finding_detail", args=[finding.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_menu_offers_findings_to_every_role(login: Any, users: dict, province: Any) -> None:
    for role in ROLES:
        html = login(users[role]).get(reverse("web:home")).content.decode()
        assert f'href="{reverse("findings:finding_list")}"' in html
