"""Directives in a real browser: a unit officer opens their copy, acknowledges receipt and reports a task with an
evidence file; the SOC's matrix of units × tasks then shows the receipt and the report."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.directives.models import Directive, DirectiveState, Recipient, ReportState, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive
from canhgac.directives.services.distributing import make_copies, resolve_recipients
from canhgac.directives.tests.factories import operator
from tests.browser.test_console_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CANHGAC_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_an_officer_acknowledges_and_reports_and_the_soc_matrix_shows_it(page, tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path / "data"
    operator()
    health = UnitFactory(code="SO-YT", name="Sở Y tế", kind="department")
    UnitFactory(code="SO-TC", name="Sở Tài chính", kind="department")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "number": "125/SKHCN-CNTT", "subject": "tăng cường bảo đảm an toàn thông tin mạng dịp nghỉ lễ 30/4",
        "report_deadline": timezone.now() + datetime.timedelta(days=3)},
        parse_plan("## Các sở\nkinds: department\n- Trực 24/7 | Bố trí cán bộ trực 24/7.\n"
                   "- Rà soát mã độc | Rà soát mã độc, ưu tiên IP trong danh sách botnet.\n"))
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[health])
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    copy = Recipient.objects.get(unit=health)
    duty = TaskReport.objects.get(recipient=copy, task__title="Trực 24/7")
    evidence = tmp_path / "lich-truc.csv"
    evidence.write_text("ngay,can_bo,dien_thoai\n30/4,Nguyễn Văn An,0912000000\n", encoding="utf-8")

    sign_in(page, "can.bo")
    page.goto("/directives/received/")
    page.click(f"a[href='/directives/received/{copy.pk}/']")
    page.click("#acknowledge")
    page.wait_for_selector("#acknowledged")
    form = page.locator(f"#task-{duty.pk} form")
    form.locator("select").select_option(ReportState.DONE)
    form.locator("textarea").fill("Đã bố trí 6 cán bộ trực theo ca")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    shot(page, "directive-copy")
    assert "lich-truc.csv" in page.locator(f"#task-{duty.pk}").inner_text()
    duty.refresh_from_db()
    assert duty.state == ReportState.DONE and duty.evidence.count() == 1

    page.context.clear_cookies()
    sign_in(page, "truc.ban")
    page.goto(f"/directives/{directive.pk}/matrix/")
    row = page.locator("#unit-SO-YT")
    assert row.locator(".report-done").count() == 1
    assert row.locator(".text-success").count() == 1  # receipt acknowledged
    page.click("#filter-not-acknowledged")
    page.wait_for_url("**status=not_acknowledged**")
    assert page.locator("#unit-SO-YT").count() == 0 and page.locator("#unit-SO-TC").count() == 1
    shot(page, "directive-matrix")
