"""Awareness console: the SOC writes (hostile text stays text) and publishes; officers see bulletins sent to their
units only, opening one records the receipt, the quiz is answered once; files are served as downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhgac.awareness.models import Bulletin, BulletinRead, BulletinRecipient, QuizAttempt
from canhgac.awareness.services import publish_bulletin, save_bulletin
from canhgac.awareness.tests.factories import QUIZ, BulletinAttachmentFactory, BulletinFactory
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def published(unit: Any, **values: Any) -> Bulletin:
    bulletin = save_bulletin(BulletinFactory.build(audience="chosen", **values), None, chosen=[unit], quiz=QUIZ)
    publish_bulletin(bulletin)
    return bulletin


def test_the_soc_writes_a_bulletin_with_hostile_text_files_and_a_quiz(client: Any, users: dict,
                                                                      province: Any) -> None:
    client.force_login(users[Role.SOC_ANALYST])
    leaflet = SimpleUploadedFile("../../tờ rơi.html", b"<script>alert(1)</script>", content_type="text/html")
    answer = client.post(reverse("awareness:bulletin_create"), {
        "title": HOSTILE, "kind": "warning", "topic": "phishing", "body": f"Đoạn một {HOSTILE}\n\nĐoạn hai",
        "audience": "chosen", "unit_codes": "BV-DK, SO-TTTT", "quiz": QUIZ, "attachments": [leaflet]})
    bulletin = Bulletin.objects.get()
    assert answer.status_code == 302 and bulletin.questions.count() == 2
    assert set(bulletin.chosen_units.values_list("code", flat=True)) == {"BV-DK", "SO-TTTT"}
    page = client.get(reverse("awareness:bulletin_detail", kwargs={"pk": bulletin.pk})).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<p>") >= 2  # paragraphs kept
    file = bulletin.attachments.get()
    download = client.get(reverse("awareness:attachment_download", kwargs={"pk": file.pk}))
    assert download["Content-Type"] == "application/octet-stream"  # HTML is never served as a page
    assert download["Content-Disposition"].startswith("attachment") and file.name == "tờ rơi.html"
    client.post(reverse("awareness:bulletin_publish", kwargs={"pk": bulletin.pk}))
    assert BulletinRecipient.objects.filter(bulletin=bulletin).count() == 2


def test_a_bad_quiz_or_unknown_unit_code_is_named(client: Any, users: dict, province: Any) -> None:
    client.force_login(users[Role.SOC_ADMIN])
    form = {"title": "T", "kind": "awareness", "topic": "scam", "body": "B", "audience": "chosen",
            "unit_codes": "SO-TTTT <b>KHONG-CO</b>", "quiz": "Câu hỏi?\n* A\n* B"}
    page = client.post(reverse("awareness:bulletin_create"), form).content.decode()
    assert "No unit has the code: &lt;b&gt;KHONG-CO&lt;/b&gt;" in page
    page = client.post(reverse("awareness:bulletin_create"), {**form, "unit_codes": "SO-TTTT"}).content.decode()
    assert "Line 1: mark exactly one answer as correct" in page
    assert not Bulletin.objects.exists()


def test_officers_see_bulletins_of_their_units_and_opening_records_the_receipt(client: Any, users: dict,
                                                                                province: Any) -> None:
    mine, theirs = published(province.own_unit, title="Của Sở"), published(province.other_unit, title="Của BV")
    draft = save_bulletin(BulletinFactory.build(title="Bản nháp"), None)
    officer = users[Role.UNIT_OFFICER]
    client.force_login(officer)
    listing = client.get(reverse("awareness:bulletin_list")).content.decode()
    assert "Của Sở" in listing and "Của BV" not in listing and "Bản nháp" not in listing
    for hidden in (theirs, draft):
        assert client.get(reverse("awareness:bulletin_detail", kwargs={"pk": hidden.pk})).status_code == 404
    file = BulletinAttachmentFactory(bulletin=theirs)
    assert client.get(reverse("awareness:attachment_download", kwargs={"pk": file.pk})).status_code == 404
    assert not BulletinRead.objects.exists()
    client.get(reverse("awareness:bulletin_detail", kwargs={"pk": mine.pk}))
    receipt = BulletinRecipient.objects.get(bulletin=mine)
    assert receipt.first_read_by == officer
    assert BulletinRead.objects.get().user == officer


def test_the_quiz_is_answered_once_and_the_soc_sees_results_per_unit(client: Any, users: dict,
                                                                      province: Any) -> None:
    bulletin = published(province.own_unit)
    client.force_login(users[Role.UNIT_OFFICER])
    url = reverse("awareness:quiz_answer", kwargs={"pk": bulletin.pk})
    first, second = bulletin.questions.prefetch_related("choices")
    right = {f"q{q.pk}": str(next(c.pk for c in q.choices.all() if c.correct)) for q in (first, second)}
    wrong = str(next(c.pk for c in second.choices.all() if not c.correct))
    huge = client.post(url, {f"q{first.pk}": "9" * 100_000, f"q{second.pk}": wrong}, follow=True)
    assert huge.status_code == 200 and not QuizAttempt.objects.exists()
    client.post(url, {**right, f"q{second.pk}": wrong})
    client.post(url, right)  # a second sheet is refused
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.total, attempt.unit) == (1, 2, province.own_unit)
    client.force_login(users[Role.SOC_ANALYST])
    page = client.get(reverse("awareness:bulletin_detail", kwargs={"pk": bulletin.pk}))
    [row] = page.context["results"]
    assert (row.unit, row.participants, row.average) == (province.own_unit, 1, 50.0)
    assert "50 %" in page.content.decode()


def test_results_come_a_hundred_units_a_page_with_totals_over_all(client: Any, users: dict, province: Any) -> None:
    from canhgac.constituency.tests.factories import UnitFactory

    units = [UnitFactory() for _ in range(120)]
    bulletin = save_bulletin(BulletinFactory.build(audience="chosen"), None, chosen=units, quiz=QUIZ)
    publish_bulletin(bulletin)
    BulletinRecipient.objects.filter(unit=units[0]).update(first_read_at=bulletin.published_at)
    client.force_login(users[Role.SOC_ANALYST])
    url = reverse("awareness:bulletin_detail", kwargs={"pk": bulletin.pk})
    first, second = client.get(url), client.get(url, {"results": 2})
    assert len(first.context["results"]) == 100 and len(second.context["results"]) == 20
    assert "Opened by 1 of 120 units." in first.content.decode()
    assert client.get(url, {"results": "x" * 1000}).status_code == 200
