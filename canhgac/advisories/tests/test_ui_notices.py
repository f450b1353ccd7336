"""Notices of a warning: one per unit it hits, with that unit's assets; previewed, sent once the SOC confirms, and
never twice — delivered through the notifications app to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.advisories.models import Advisory
from canhgac.constituency.tests.factories import ContactFactory
from canhgac.core.access import Role
from canhgac.notifications.models import Notice
from canhgac.notifications.services import deliver_pending
from canhgac.notifications.tests.conftest import smtp  # noqa: F401  (the SMTP server fixture)
from canhgac.notifications.tests.factories import PreferenceFactory
from canhgac.notifications.tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db


def test_each_unit_hit_gets_one_bundled_notice_once(exposed: Any, users: Any, province: Any, console: Any,
                                                    smtp: SmtpServer) -> None:  # noqa: F811
    ContactFactory(unit=province.own_unit, email="daumoi@so-tttt.example.gov.vn", focal_point=True)
    ContactFactory(unit=province.own_subunit, email="cntt@tt-cntt.example.gov.vn", focal_point=True)
    PreferenceFactory(unit=province.other_unit, do_not_notify=True)
    spring = Advisory.objects.get(source_id="CVE-2022-22965")
    soc = console(users[Role.SOC_ANALYST])
    preview = soc.get(reverse("advisories:notice_preview", args=[spring.pk])).content.decode()
    assert preview.count('class="card mb-3 notice-plan"') == 3 and Notice.objects.count() == 0
    own = preview.split(f'id="plan-{province.own_unit.pk}"', 1)[1].split("</article>", 1)[0]
    assert "own-app" in own and "sub-app" not in own and "daumoi@so-tttt.example.gov.vn" in own
    assert "The unit asked not to be notified" in preview

    assert soc.post(reverse("advisories:notice_preview", args=[spring.pk])).status_code == 302  # no confirmation
    assert Notice.objects.count() == 0
    answer = soc.post(reverse("advisories:notice_preview", args=[spring.pk]), {"confirm": "send"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/advisories/{spring.pk}/")
    assert Notice.objects.count() == 3
    report = deliver_pending()
    messages = smtp.messages()
    assert report.sent == 2 and sorted(str(message["To"]) for message in messages) == [
        "cntt@tt-cntt.example.gov.vn", "daumoi@so-tttt.example.gov.vn"]
    body = next(message for message in messages if "daumoi" in str(message["To"])).get_body(("plain",)).get_content()
    assert "own-app" in body and "CVE-2022-22965" in body and "sub-app" not in body
    assert f"http://127.0.0.1:8000/advisories/{spring.pk}/" in body.split()  # absolute, from CANHGAC_SITE_URL
    attachment = next(next(message for message in messages if "daumoi" in str(message["To"])).iter_attachments())
    assert attachment.get_filename().endswith("-assets.csv") and "own-app" in attachment.get_content()

    soc.post(reverse("advisories:notice_preview", args=[spring.pk]), {"confirm": "send"})
    deliver_pending()
    assert Notice.objects.count() == 3 and len(smtp.messages()) == 2  # nothing twice
    again = soc.get(reverse("advisories:notice_preview", args=[spring.pk])).content.decode()
    assert 'id="nothing-to-send"' in again and again.count("already told") == 3


def test_only_the_soc_notifies(exposed: Any, users: Any, console: Any) -> None:
    spring = Advisory.objects.get(source_id="CVE-2022-22965")
    for role in (Role.UNIT_OFFICER, Role.AUDITOR):
        client = console(users[role])
        assert client.get(reverse("advisories:notice_preview", args=[spring.pk])).status_code == 403
        assert client.post(reverse("advisories:notice_preview", args=[spring.pk]),
                           {"confirm": "send"}).status_code == 403
    assert Notice.objects.count() == 0
