"""What findings add to shared pages: the open findings of a unit and its sub-units on the unit's page (by severity,
linked to the filtered list) and the open and overdue figures on the home page, over what the user may see."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.core.access import Role
from canhgac.findings.models import FindingState
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
S = FindingState


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reported(province: Any) -> Any:
    late = timezone.localdate() - datetime.timedelta(days=2)
    FindingFactory.create_batch(2, unit=province.own_unit, severity="critical", due_on=late)
    FindingFactory(unit=province.own_subunit, severity="medium")
    FindingFactory(unit=province.own_subunit, severity="medium", state=S.IN_PROGRESS)
    FindingFactory(unit=province.own_subunit, severity="high", state=S.RESOLVED)
    FindingFactory.create_batch(3, unit=province.other_unit, severity="low")
    return province


def figure(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


def test_the_unit_page_counts_open_findings_of_the_unit_and_its_sub_units(login: Any, users: dict,
                                                                         reported: Any) -> None:
    for role in (Role.SOC_ADMIN, Role.UNIT_OFFICER, Role.AUDITOR):
        html = login(users[role]).get(reverse("constituency:unit_detail", args=[reported.own_unit.pk])) \
            .content.decode()
        panel = html.split('id="findings"')[1].split("</section>")[0]
        assert figure(panel, "findings-total") == "4"
        assert (figure(panel, "findings-critical"), figure(panel, "findings-medium")) == ("2", "2")
        assert 'id="findings-high"' not in panel  # resolved: not open
        assert figure(panel, "findings-overdue") == "2"
        assert 'href="/findings/?unit_tree=SO-TTTT&amp;state=active&amp;severity=critical"' in panel
        assert 'href="/findings/?unit_tree=SO-TTTT&amp;state=active"' in panel


def test_a_sub_units_page_counts_only_its_own(login: Any, users: dict, reported: Any) -> None:
    html = login(users[Role.UNIT_OFFICER]).get(reverse("constituency:unit_detail",
                                                       args=[reported.own_subunit.pk])).content.decode()
    assert figure(html, "findings-total") == "2"


def test_a_unit_without_open_findings_says_so(login: Any, users: dict, province: Any) -> None:
    html = login(users[Role.SOC_ANALYST]).get(reverse("constituency:unit_detail", args=[province.other_unit.pk])) \
        .content.decode()
    assert figure(html, "findings-total") == "0"
    assert 'href="/findings/?unit_tree=BV-DK"' in html


def test_the_links_of_the_panel_list_what_it_counted(login: Any, users: dict, reported: Any) -> None:
    client = login(users[Role.SOC_ADMIN])
    html = client.get("/findings/?unit_tree=SO-TTTT&state=active").content.decode()
    assert figure(html, "total") == "4"
    html = client.get("/findings/?unit_tree=SO-TTTT&state=active&overdue=true").content.decode()
    assert figure(html, "total") == "2"


@pytest.mark.parametrize(("role", "open_", "overdue"), [(Role.SOC_ADMIN, "7", "2"), (Role.AUDITOR, "7", "2"),
                                                        (Role.UNIT_OFFICER, "4", "2")])
def test_home_shows_open_and_overdue_findings_the_user_may_see(login: Any, users: dict, reported: Any, role: str,
                                                               open_: str, overdue: str) -> None:
    html = login(users[role]).get(reverse("web:home")).content.decode()
    assert (figure(html, "figure-open-findings"), figure(html, "figure-overdue-findings")) == (open_, overdue)
    assert 'href="/findings/?state=active"' in html and 'href="/findings/?state=active&amp;overdue=true"' in html
