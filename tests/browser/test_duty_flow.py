"""Duty and awareness in a real browser (strict CSP: no inline script or style): an officer on duty checks in from
the duty page and the SOC sees it on the province's screen; an officer opens a bulletin and answers its quiz, and
the SOC sees the unit's receipt and score."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.awareness.models import BulletinRecipient, QuizAttempt
from canhgac.awareness.services import publish_bulletin, save_bulletin
from canhgac.awareness.tests.factories import QUIZ, BulletinFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.duty.models import Assignment
from canhgac.duty.tests.factories import AssignmentFactory, DutyPersonFactory, RosterFactory, ShiftFactory
from tests.browser.test_console_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("CANHGAC_SCREENSHOTS", "")


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_an_officer_checks_in_and_the_soc_sees_it(page):  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-YT", name="Sở Y tế")
    officer = UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[unit])
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    now = timezone.now()
    today = timezone.localdate()
    roster = RosterFactory(unit=unit, name="Trực lễ Quốc khánh 2/9", starts_on=today - datetime.timedelta(days=1),
                           ends_on=today + datetime.timedelta(days=1))
    shift = ShiftFactory(roster=roster, starts_at=now - datetime.timedelta(minutes=5),
                         ends_at=now + datetime.timedelta(hours=8))
    assignment = AssignmentFactory(shift=shift, person=DutyPersonFactory(unit=unit, user=officer, name="Lê Văn An",
                                                                         phone="0912345678"))
    ShiftFactory(roster=RosterFactory(unit=None, name="Trực SOC"), starts_at=shift.starts_at, ends_at=shift.ends_at)

    sign_in(page, "can.bo")
    page.goto("/duty/")
    page.click("#mine button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert Assignment.objects.get(pk=assignment.pk).checked_in_by == officer

    page.context.clear_cookies()
    sign_in(page, "truc.ban")
    page.goto("/duty/")
    shot(page, "duty-now")
    table = page.locator("#on-duty").inner_text()
    assert "Lê Văn An" in table and "0912345678" in table and "✓" in table
    assert "Trực SOC" in table  # the SOC's own roster, with nobody on it
    page.goto(f"/duty/rosters/{roster.pk}/")
    shot(page, "duty-roster")
    assert "Lê Văn An" in page.locator("#shifts").inner_text()


def test_an_officer_reads_a_bulletin_and_answers_its_quiz(page):  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-YT", name="Sở Y tế")
    UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[unit])
    UserFactory(username="truc.ban", role=Role.SOC_ANALYST)
    bulletin = save_bulletin(BulletinFactory.build(title="Cảnh giác <b>giả danh</b> công an"), None, quiz=QUIZ)
    publish_bulletin(bulletin)

    sign_in(page, "can.bo")
    page.goto("/awareness/")
    page.click(f"a[href='/awareness/{bulletin.pk}/']")
    assert page.locator("#title").inner_text() == "Cảnh giác <b>giả danh</b> công an"
    questions = bulletin.questions.prefetch_related("choices")
    for question in questions:
        right = next(choice for choice in question.choices.all() if choice.correct)
        page.check(f"input[name=q{question.pk}][value='{right.pk}']")
    shot(page, "bulletin-quiz")
    page.click("#answer")
    page.wait_for_selector("#my-score")
    assert QuizAttempt.objects.get().score == 2
    assert BulletinRecipient.objects.get(unit=unit).first_read_at is not None

    page.context.clear_cookies()
    sign_in(page, "truc.ban")
    page.goto(f"/awareness/{bulletin.pk}/")
    shot(page, "bulletin-results")
    assert "100 %" in page.locator("#results").inner_text()
