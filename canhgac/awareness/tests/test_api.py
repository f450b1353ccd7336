"""Awareness API: bulletins scoped to the officer's units, reading through the API records it, the answer sheet
(hostile bodies refused), results per unit."""

from __future__ import annotations

from typing import Any

import pytest

from canhgac.awareness.models import BulletinRecipient, QuizAttempt
from canhgac.awareness.services import publish_bulletin, save_bulletin
from canhgac.awareness.tests.factories import QUIZ, BulletinFactory
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db


def published(*units: Any) -> Any:
    bulletin = save_bulletin(BulletinFactory.build(audience="chosen"), None, chosen=list(units), quiz=QUIZ)
    publish_bulletin(bulletin)
    return bulletin


def test_reading_and_answering_through_the_api(api_as: Any, users: dict, province: Any) -> None:
    bulletin, other = published(province.own_unit, province.other_unit), published(province.other_unit)
    api = api_as(users[Role.UNIT_OFFICER])
    assert [row["id"] for row in api.get("/api/awareness/bulletins/").json()["results"]] == [bulletin.pk]
    assert api.get(f"/api/awareness/bulletins/{other.pk}/").status_code == 404
    body = api.get(f"/api/awareness/bulletins/{bulletin.pk}/").json()
    assert "correct" not in str(body["questions"])  # the answers are not given away
    assert BulletinRecipient.objects.get(bulletin=bulletin, unit=province.own_unit).first_read_at is not None
    sheet = {str(q["id"]): str(q["choices"][1]["id"]) for q in body["questions"]}
    for hostile in ({"answers": {}}, {"answers": {"1": "x" * 50}}, {"answers": "1"},
                    {"answers": {str(n): "1" for n in range(1000)}}):
        assert api.post(f"/api/awareness/bulletins/{bulletin.pk}/answer/", hostile, format="json").status_code == 400
    answer = api.post(f"/api/awareness/bulletins/{bulletin.pk}/answer/", {"answers": sheet}, format="json")
    assert answer.status_code == 201 and answer.json() == {"score": 1, "total": 2}
    assert QuizAttempt.objects.count() == 1
    results = api.get(f"/api/awareness/bulletins/{bulletin.pk}/results/").json()
    assert [row["unit_code"] for row in results["results"]] == ["SO-TTTT"]
    soc = api_as(users[Role.SOC_ANALYST]).get(f"/api/awareness/bulletins/{bulletin.pk}/results/").json()
    assert {row["unit_code"]: row["average"] for row in soc["results"]} == {"SO-TTTT": 50.0, "BV-DK": None}
    refused = api_as(users[Role.SOC_ADMIN]).post(f"/api/awareness/bulletins/{bulletin.pk}/answer/",
                                                 {"answers": sheet}, format="json")
    assert refused.status_code == 403
