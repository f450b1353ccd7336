"""Feeds in a real browser: the SOC uploads two monthly lists, follows the job to the batch, reads the province
month by month (SVG charts under the strict CSP: a violation fails the page fixture); an officer sees their
unit's Botnet panel and their hits only."""

from __future__ import annotations

import os
import re

import pytest

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import NetblockFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.intel.models import FeedBatch
from tests.browser.test_console_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CANHGAC_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def jobs_at_commit(monkeypatch):  # type: ignore[no-untyped-def]
    """The import job runs as its request commits, in the server's thread (SQLite in memory: a job thread writing
    while the page polls would find the table locked)."""
    from django.db import transaction

    from canhgac.core import jobs

    monkeypatch.setattr(jobs, "dispatch", lambda job: transaction.on_commit(lambda: jobs.execute(job.pk)))


def upload(page, path, period: str, reference: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/feeds/upload/")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=reference]", reference)
    page.fill("input[name=period]", period)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#result-batch")


@pytest.mark.usefixtures("jobs_at_commit")
def test_the_soc_uploads_lists_and_an_officer_reads_their_botnet_panel(page, tmp_path):  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-TTTT", name="Sở Thông tin và Truyền thông")
    other = UnitFactory(code="BV-DK", name="Bệnh viện Đa khoa")
    NetblockFactory(unit=unit, block="14.161.0.0/24")
    NetblockFactory(unit=other, block="14.162.0.0/24")
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[unit])
    march, april = tmp_path / "botnet-2026-03.csv", tmp_path / "botnet-2026-04.csv"
    march.write_text("ip,malware,port\n14.161.0.10,Mirai,23\n14.162.0.30,Emotet,8080\n8.8.8.8,Mirai,53\nxx\n")
    april.write_text("ip,malware,port\n14.161.0.10,Mirai,23\n14.162.0.31,Qakbot,443\n")

    sign_in(page, "truc.ban")
    upload(page, march, "2026-03", "123/VNCERT-ĐPƯC")
    shot(page, "feeds-job")
    page.click("#result-batch a")
    page.wait_for_url(re.compile(r"/feeds/\d+/$"))
    assert page.locator("#count-matched").inner_text().strip() == "2"
    assert page.locator("#count-outside").inner_text().strip() == "1"
    assert "xx" in page.locator("#invalid-table").inner_text()
    shot(page, "feeds-batch")
    upload(page, april, "2026-04", "456/VNCERT-ĐPƯC")
    page.goto("/feeds/summary/")
    assert page.locator("#chart-listed rect").count() == 3  # two months, April's recurrence inside its bar
    assert "Mirai" in page.locator("#month-2026-04").inner_text()
    shot(page, "feeds-summary")

    page.context.clear_cookies()
    sign_in(page, "can.bo")
    page.goto(f"/registry/units/{unit.pk}/")
    panel = page.locator("#botnet").inner_text()
    assert "14.161.0.10" in panel and "14.162.0." not in panel
    shot(page, "feeds-unit-panel")
    page.goto("/feeds/")
    assert page.locator("#batch-list tbody tr").count() == FeedBatch.objects.count() == 2
    page.goto(f"/feeds/{FeedBatch.objects.get(period='2026-04').pk}/")
    assert page.locator("#count-your-hits").inner_text().strip() == "1"
    assert page.locator("#count-matched").count() == 0
