"""Findings in a real browser: the SOC selects a page of findings with the header checkbox (a static script: the
CSP forbids inline ones) and moves them in one step; an officer takes a finding of their unit a step further."""

from __future__ import annotations

import os
import re

import pytest

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.findings.models import Finding, FindingState
from canhgac.findings.tests.factories import FindingFactory
from tests.browser.test_console_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CANHGAC_SCREENSHOTS", "")
"""A directory to keep screenshots of the pages in (for a person to look at); none are taken when unset."""


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_soc_moves_a_page_of_findings_and_an_officer_works_one(page):  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-YT", name="Sở Y tế")
    other = UnitFactory(code="BV-DK", name="Bệnh viện Đa khoa")
    FindingFactory.create_batch(3, unit=unit, evidence={"family": "mirai", "port": 23})
    FindingFactory(unit=other, severity="critical")
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[unit])

    sign_in(page, "truc.ban")
    page.goto("/findings/?unit=SO-YT")
    shot(page, "findings-list")
    page.check("#select-page")
    assert page.locator("input.row-select:checked").count() == 3
    page.select_option("#bulk select[name=state]", FindingState.IN_PROGRESS)
    page.fill("#bulk textarea[name=note]", "Đã gửi cảnh báo cho đơn vị")
    page.click("#bulk-submit")
    page.wait_for_selector(".alert-success")
    assert re.search(r"3", page.locator(".alert-success").inner_text())
    assert set(Finding.objects.filter(unit=unit).values_list("state", flat=True)) == {FindingState.IN_PROGRESS}
    assert Finding.objects.get(unit=other).state == FindingState.OPEN

    page.context.clear_cookies()
    sign_in(page, "can.bo")
    finding = Finding.objects.filter(unit=unit).first()
    page.goto(f"/findings/{finding.pk}/")
    page.select_option("#step select[name=state]", FindingState.RESOLVED)
    page.fill("#step textarea[name=note]", "Đã gỡ mã độc, cài lại máy")
    page.click("#transition-submit")
    page.wait_for_selector(".alert-success")
    shot(page, "finding-detail")
    assert "Đã gỡ mã độc, cài lại máy" in page.locator("#timeline").inner_text()
    finding.refresh_from_db()
    assert finding.state == FindingState.RESOLVED
    page.goto(f"/registry/units/{unit.pk}/")
    assert page.locator("#findings-total").inner_text() == "2"
    shot(page, "unit-panel")
