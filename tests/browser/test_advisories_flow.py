"""Advisories in a real browser (the CSP enforced: any violation fails the test): the SOC types the Zimbra
warning from its letter, follows the import job to its result, opens the warning's page with its SVG charts and
the asset it hit, previews and sends the notices; the officer of that unit finds the warning among theirs."""

from __future__ import annotations

import os
import re

import pytest

from canhgac.accounts.tests.factories import UserFactory
from canhgac.advisories.models import Advisory
from canhgac.advisories.tests.helpers import host
from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.notifications.models import Notice
from tests.browser.test_console_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CANHGAC_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def jobs_at_commit(monkeypatch):  # type: ignore[no-untyped-def]
    """The import job runs as its request commits, in the server's thread: the test database is SQLite in memory
    with a shared cache, where a job thread writing while the page polls fails at once ("database table is
    locked") instead of waiting as the file database of a deployment does."""
    from django.db import transaction

    from canhgac.core import jobs

    monkeypatch.setattr(jobs, "dispatch", lambda job: transaction.on_commit(lambda: jobs.execute(job.pk)))


@pytest.mark.usefixtures("jobs_at_commit")
def test_the_soc_types_a_warning_follows_it_and_notifies_the_unit(page):  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-TTTT", name="Sở Thông tin và Truyền thông")
    other = UnitFactory(code="BV-DK", name="Bệnh viện Đa khoa")
    ContactFactory(unit=unit, email="daumoi@so-tttt.example.gov.vn", focal_point=True)
    host(unit, "mail", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39"), internet_facing=True)
    host(other, "mail-bv", ("Zimbra", "Zimbra Collaboration", "9.0.0 Patch 37"))
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[unit])

    sign_in(page, "truc.ban")
    page.goto("/advisories/warnings/new/")
    page.fill("input[name=reference]", "2216/CATTT-NCSC")
    page.fill("input[name=title]", "Lỗ hổng zero-day trong Zimbra Collaboration")
    page.fill("textarea[name=cves]", "CVE-2023-37580")
    page.fill("textarea[name=affected]", "Zimbra | Zimbra Collaboration | >= 8.8.0, < 8.8.15 Patch 41\n"
                                         "Zimbra | Zimbra Collaboration | >= 9.0.0, < 9.0.0 Patch 36")
    page.select_option("select[name=severity]", "high")
    page.fill("input[name=deadline]", "2023-11-24")
    page.click("#warning-submit")
    page.wait_for_selector("#import-result")
    assert page.locator("#result-created").inner_text().strip() == "1"
    shot(page, "advisories-job")

    warning = Advisory.objects.get(source="soc")
    page.goto(f"/advisories/{warning.pk}/")
    assert page.locator("#chart-units rect").count() >= 1 and page.locator("#chart-total").is_visible()
    exposures = page.locator("#exposures").inner_text()
    assert "mail" in exposures and "mail-bv" not in exposures
    shot(page, "advisories-warning")
    page.click("#notices")
    assert "daumoi@so-tttt.example.gov.vn" in page.locator(f"#plan-{unit.pk}").inner_text()
    page.click("#send")
    page.wait_for_url(re.compile(rf"/advisories/{warning.pk}/$"))
    assert Notice.objects.filter(unit=unit, kind="advisory_warning").count() == 1

    page.context.clear_cookies()
    sign_in(page, "can.bo")
    page.goto("/advisories/warnings/")
    assert "Zimbra" in page.locator("#rows").inner_text()
    shot(page, "advisories-officer")
    page.goto(f"/registry/units/{unit.pk}/")
    assert "CVE-2023-37580" in page.locator("#vulnerabilities").inner_text()
