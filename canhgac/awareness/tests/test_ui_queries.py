"""Query-count baselines: the bulletin list and a bulletin's page cost the same with a few or many bulletins, units,
readers and answer sheets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.accounts.tests.factories import UserFactory
from canhgac.awareness.models import Bulletin
from canhgac.awareness.services import publish_bulletin, record_opening, save_bulletin, submit_quiz
from canhgac.awareness.tests.factories import QUIZ, BulletinFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db
LIST_BASELINE = 10
DETAIL_BASELINE = 23
"""For an officer: session, user, scope (two), the layout's operator; the list's page and count; a bulletin's page:
the bulletin, the units one reads for (two), the receipt and read (four), its questions with answers, files, one's
sheet, a page of results by unit (its count and rows: two queries, however many units), the totals (two), the
session saved."""


def populate(parent: Any, units: int) -> Bulletin:
    """A bulletin with a quiz to ``units`` sub-units of ``parent``, each with a reader who answered."""
    children = [UnitFactory(parent=parent) for _ in range(units)]
    bulletin = save_bulletin(BulletinFactory.build(audience="chosen"), None, chosen=[parent, *children], quiz=QUIZ)
    publish_bulletin(bulletin)
    first, second = bulletin.questions.prefetch_related("choices")
    sheet = {str(q.pk): str(q.choices.first().pk) for q in (first, second)}
    for child in children:
        reader = UserFactory(role=Role.UNIT_OFFICER, units=[child])
        record_opening(bulletin, reader)
        submit_quiz(bulletin, reader, sheet)
    return bulletin


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER])
def test_the_bulletin_pages_cost_the_same_with_2_or_20_units(client: Any, users: dict, province: Any, role: str,
                                                             django_assert_max_num_queries: Any) -> None:
    client.force_login(users[role])
    for units in (2, 20):
        bulletin = populate(province.own_unit, units)
        with django_assert_max_num_queries(LIST_BASELINE):
            assert client.get(reverse("awareness:bulletin_list")).status_code == 200
        with django_assert_max_num_queries(DETAIL_BASELINE):
            page = client.get(reverse("awareness:bulletin_detail", kwargs={"pk": bulletin.pk}))
            assert page.status_code == 200
        assert len(page.context["results"]) == units + 1
