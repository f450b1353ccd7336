"""A SOC analyst's first session, in a real browser: sign in, switch language, create a unit, import its
netblocks from a file and follow the import job until it finishes (the page polls with htmx)."""

from __future__ import annotations

import re

import pytest

from canhgac.accounts.tests.factories import PASSWORD, UserFactory
from canhgac.constituency.models import Netblock, Unit
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETBLOCKS_CSV = "Mã đơn vị,Dải IP,Mô tả\nSO-YT,14.160.20.0/24,Mạng nội bộ\nSO-YT,2402:800:20::/48,IPv6\n"


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_sign_in_switch_language_create_unit_import_and_follow_the_job(page, tmp_path):
    UserFactory(username="phan.anh", role=Role.SOC_ANALYST)
    sign_in(page, "phan.anh")
    assert page.locator("h1").inner_text() == "Tổng quan danh mục"

    page.click("button[name=language][value=en]")
    page.wait_for_selector("h1:text('Overview of the registry')")
    page.click("button[name=language][value=vi]")
    page.wait_for_selector("h1:text('Tổng quan danh mục')")

    page.goto("/registry/units/new/")
    page.fill("input[name=code]", "SO-YT")
    page.fill("input[name=name]", "Sở Y tế <b>tỉnh</b>")
    page.select_option("select[name=kind]", "department")
    page.click("main form button[type=submit]")
    page.wait_for_selector("h1:text('Sở Y tế <b>tỉnh</b>')")  # shown as text, not markup
    unit = Unit.objects.get(code="SO-YT")
    assert AuditEntry.objects.filter(object_id=str(unit.pk), channel="ui").exists()

    upload = tmp_path / "dai-ip.csv"
    upload.write_bytes(NETBLOCKS_CSV.encode("utf-8-sig"))
    page.goto("/registry/import/")
    page.select_option("select[name=kind]", "netblocks")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/system/jobs/\d+/$"))
    page.wait_for_selector(".job-state:text('Thành công')", timeout=30_000)
    assert page.locator("progress.job-progress").get_attribute("value") == "100"
    assert page.locator("#job-status").get_attribute("hx-trigger") is None  # polling stopped

    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED
    assert sorted(Netblock.objects.filter(unit=unit).values_list("block", flat=True)) == [
        "14.160.20.0/24", "2402:800:20::/48"]

    page.goto(f"/registry/units/{unit.pk}/")
    assert page.locator("text=14.160.20.0/24").count() >= 1
