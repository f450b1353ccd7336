"""Labels whose English words mean something else elsewhere carry a translation context, so that the Vietnamese
catalogue can say "trích yếu" for a letter's subject while a notice's subject stays "tiêu đề"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from canhgac.core.access import Role
from canhgac.directives.api.serializers import REPORTABLE
from canhgac.directives.models import Directive, DirectiveTask, RecipientGroup, ReportState, TaskReport
from canhgac.notifications.models import Notice

IN_CONTEXT = {"letter\x04subject": "trích yếu", "letter\x04Subject": "Trích yếu", "order\x04position": "thứ tự",
              "task report\x04reported by": "người báo cáo", "task report\x04Done": "Đã thực hiện"}
WITHOUT_CONTEXT = {"subject": "tiêu đề", "Subject": "Tiêu đề", "position": "chức vụ", "Done": "Xong"}


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The Vietnamese catalogue with both meanings of each word translated (in memory, undone after the test)."""
    with translation.override("vi"):
        entries = trans_real.translation("vi")._catalog._catalogs[0]  # type: ignore[attr-defined]
        for key, text in {**IN_CONTEXT, **WITHOUT_CONTEXT}.items():
            monkeypatch.setitem(entries, key, text)
        yield


def label(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def test_the_directives_labels_take_their_own_translation(catalogue: None) -> None:
    assert label(Directive, "subject") == "trích yếu" and label(Notice, "subject") == "tiêu đề"
    assert label(RecipientGroup, "position") == label(DirectiveTask, "position") == "thứ tự"
    assert label(TaskReport, "reported_by") == "người báo cáo"
    assert str(ReportState.DONE.label) == str(dict(REPORTABLE)["done"]) == "Đã thực hiện"


@pytest.mark.django_db
def test_the_directive_list_heads_its_column_with_the_letters_subject(catalogue: None, login: Any,
                                                                      users: dict) -> None:
    page = login(users[Role.SOC_ADMIN]).get(reverse("directives:directive_list"), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    assert "<th>Trích yếu</th>" in page.content.decode()
