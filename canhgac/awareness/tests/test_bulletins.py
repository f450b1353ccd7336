"""Bulletins: hostile text kept as text, the quiz text and its refusals by line, publishing to units (receipts,
notices, once), read receipts per unit and per person, quiz scoring once per person, per-unit results."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canhgac.accounts.tests.factories import UserFactory
from canhgac.awareness.models import Audience, Bulletin, BulletinRead, BulletinRecipient, QuizAttempt
from canhgac.awareness.services import (
    Upload,
    parse_quiz,
    publish_bulletin,
    quiz_text,
    record_opening,
    save_bulletin,
    submit_quiz,
    unit_results,
)
from canhgac.awareness.tests.factories import QUIZ, BulletinFactory
from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry
from canhgac.notifications.models import Delivery, Notice

pytestmark = pytest.mark.django_db


def draft(**values: Any) -> Bulletin:
    bulletin = Bulletin(title=values.pop("title", "Cảnh giác lừa đảo"), body=values.pop("body", "Nội dung."),
                        **values)
    return save_bulletin(bulletin, None, quiz=QUIZ)


def answers_for(bulletin: Bulletin, right: int) -> dict[str, str]:
    """Answer the first ``right`` questions correctly and the others wrongly."""
    chosen = {}
    for index, question in enumerate(bulletin.questions.prefetch_related("choices")):
        pick = next(choice for choice in question.choices.all() if choice.correct == (index < right))
        chosen[str(question.pk)] = str(pick.pk)
    return chosen


def test_the_quiz_text_round_trips_and_refusals_name_the_line() -> None:
    questions = parse_quiz(QUIZ)
    assert [(q.text, [right for _t, right in q.choices]) for q in questions] == [
        ("Tin nhắn báo trúng thưởng, yêu cầu chuyển phí nhận quà là gì?", [False, True, False]),
        ("Nên làm gì với đường link lạ trong thư điện tử?", [True, False])]
    bulletin = draft()
    assert parse_quiz(quiz_text(bulletin.questions.prefetch_related("choices"))) == questions
    with pytest.raises(ValidationError, match="Line 1: an answer comes after its question"):
        parse_quiz("* Lừa đảo\nCâu hỏi")
    with pytest.raises(ValidationError, match="Line 1: mark exactly one answer as correct"):
        parse_quiz("Câu hỏi?\n* A\n* B")
    with pytest.raises(ValidationError, match="Line 4: a question needs at least two answers"):
        parse_quiz("Câu một?\n- A\n* B\nCâu hai?\n* C")
    with pytest.raises(ValidationError, match="Line 2: an answer has at most 300"):
        parse_quiz("Câu hỏi?\n* " + "x" * 301 + "\n- B")
    assert parse_quiz("") == []


def test_hostile_titles_and_bodies_are_text_and_too_long_is_refused() -> None:
    bulletin = draft(title="<script>alert(1)</script>\x00  Lừa\tđảo ", body="<img src=x onerror=alert(1)>\x07")
    assert bulletin.title == "<script>alert(1)</script> Lừa đảo"  # stored as typed, escaped when shown
    assert bulletin.body == "<img src=x onerror=alert(1)>"
    with pytest.raises(ValidationError) as refused:
        save_bulletin(Bulletin(title="x" * 201, body="y"), None)
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        save_bulletin(Bulletin(title="T", body="y" * 20001), None)
    assert "body" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        save_bulletin(Bulletin(title="T", body="y", audience=Audience.KINDS, unit_kinds=["<b>"]), None)
    assert "unit_kinds" in refused.value.message_dict


def test_attachments_are_named_safely_and_limited() -> None:
    bulletin = save_bulletin(Bulletin(title="T", body="B"), None,
                             uploads=[Upload("..\\..\\C:\\evil\x00.pdf", "application/pdf", b"%PDF")])
    assert bulletin.attachments.get().name == "evil.pdf"
    with pytest.raises(ValidationError) as refused:
        save_bulletin(bulletin, None, uploads=[Upload(f"{n}.png", "image/png", b"x") for n in range(5)])
    assert "attachments" in refused.value.message_dict


def test_publishing_sends_to_the_chosen_kind_once_with_a_notice_each(province: Any, settings: Any) -> None:
    settings.SITE_URL = "https://canhgac.example.gov.vn"
    ContactFactory(unit=province.other_unit, email="it@bv.example.gov.vn")
    UnitFactory(kind="hospital", active=False)
    bulletin = draft(audience=Audience.KINDS, unit_kinds=["hospital"])
    assert publish_bulletin(bulletin) == 1
    assert list(BulletinRecipient.objects.values_list("unit", flat=True)) == [province.other_unit.pk]
    notice = Notice.objects.get(kind="awareness_bulletin")
    assert notice.unit == province.other_unit and bulletin.title in notice.subject
    assert f"https://canhgac.example.gov.vn/awareness/{bulletin.pk}/" in notice.body.split()
    assert f'href="https://canhgac.example.gov.vn/awareness/{bulletin.pk}/"' in notice.body_html
    assert Delivery.objects.filter(notice=notice, recipient="it@bv.example.gov.vn").exists()
    with pytest.raises(ValidationError, match="already been published"):
        publish_bulletin(bulletin)
    with pytest.raises(ValidationError, match="not changed"):
        save_bulletin(Bulletin.objects.get(pk=bulletin.pk), None, quiz="")
    assert AuditEntry.objects.filter(object_type="awareness.bulletin", object_id=str(bulletin.pk)).count() == 2


def test_opening_records_the_person_and_the_units_first_read(province: Any, users: dict) -> None:
    bulletin = draft()
    publish_bulletin(bulletin)
    officer = users[Role.UNIT_OFFICER]  # of own_unit (and so its sub-unit)
    colleague = UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit])
    assert record_opening(bulletin, officer) is True
    assert record_opening(bulletin, officer) is False  # once per person
    record_opening(bulletin, colleague)
    assert record_opening(bulletin, users[Role.SOC_ANALYST]) is False  # the SOC reading is no receipt
    own = BulletinRecipient.objects.get(bulletin=bulletin, unit=province.own_unit)
    assert own.first_read_by == officer and own.first_read_at is not None
    assert not BulletinRecipient.objects.filter(unit=province.other_unit, first_read_at__isnull=False).exists()
    assert not BulletinRecipient.objects.filter(unit=province.own_subunit, first_read_at__isnull=False).exists()
    assert BulletinRead.objects.filter(bulletin=bulletin, unit=province.own_unit).count() == 2


def test_the_quiz_is_scored_once_per_person_and_results_are_per_unit(province: Any, users: dict) -> None:
    bulletin = draft()
    publish_bulletin(bulletin)
    officer = users[Role.UNIT_OFFICER]
    colleague = UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit])
    elsewhere = UserFactory(role=Role.UNIT_OFFICER, units=[province.other_unit])
    assert submit_quiz(bulletin, officer, answers_for(bulletin, 2)).score == 2
    assert submit_quiz(bulletin, colleague, answers_for(bulletin, 1)).score == 1
    submit_quiz(bulletin, elsewhere, answers_for(bulletin, 0))
    with pytest.raises(ValidationError, match="already answered"):
        submit_quiz(bulletin, officer, answers_for(bulletin, 2))
    with pytest.raises(PermissionDenied):
        submit_quiz(bulletin, users[Role.SOC_ADMIN], answers_for(bulletin, 2))
    rows = {row.unit.code: row for row in unit_results(bulletin, users[Role.SOC_ANALYST])}
    assert (rows["SO-TTTT"].participants, rows["SO-TTTT"].average) == (2, 75.0)
    assert (rows["BV-DK"].participants, rows["BV-DK"].average) == (1, 0.0)
    assert rows["TT-CNTT"].participants == 0 and rows["TT-CNTT"].average is None
    assert {row.unit.code for row in unit_results(bulletin, officer)} == {"SO-TTTT", "TT-CNTT"}


@pytest.mark.parametrize("answers", [
    {}, {"1": "x"}, {"999999": "1"}, {str(n): str(n) for n in range(10_000)}, [1, 2], "1",
    {"1": "9" * 5000}, {"1": None}, {"1": ["1", "2"]},
])
def test_hostile_answers_are_refused_without_a_score(province: Any, users: dict, answers: Any) -> None:
    bulletin = draft()
    publish_bulletin(bulletin)
    with pytest.raises(ValidationError):
        submit_quiz(bulletin, users[Role.UNIT_OFFICER], answers)
    assert not QuizAttempt.objects.exists()


def test_an_answer_from_another_question_is_refused(province: Any, users: dict) -> None:
    bulletin = draft()
    publish_bulletin(bulletin)
    first, second = bulletin.questions.prefetch_related("choices")
    crossed = {str(first.pk): str(second.choices.first().pk), str(second.pk): str(second.choices.first().pk)}
    with pytest.raises(ValidationError, match="Question 1"):
        submit_quiz(bulletin, users[Role.UNIT_OFFICER], crossed)


def test_a_bulletin_to_chosen_units_needs_them(province: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        save_bulletin(BulletinFactory.build(audience=Audience.CHOSEN), None)
    assert "chosen_units" in refused.value.message_dict
    bulletin = save_bulletin(BulletinFactory.build(audience=Audience.CHOSEN), None, chosen=[province.own_subunit])
    assert publish_bulletin(bulletin) == 1
