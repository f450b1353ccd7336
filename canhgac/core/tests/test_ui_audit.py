"""The console audit log: administrators and auditors only, the API's filters, and each entry's before/after."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.constituency.services import save_object
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.core.audit import acting_as, snapshot
from canhgac.core.models import AuditEntry, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trail(users, province):  # type: ignore[no-untyped-def]
    unit = province.other_unit
    with acting_as(users[Role.SOC_ADMIN], Channel.UI):
        before = snapshot(unit)
        unit.name, unit.active = "Bệnh viện <script>x</script>", False
        save_object(unit, before)
    with acting_as(users[Role.SOC_ANALYST], Channel.API):
        save_object(UnitFactory.build(code="MOI-1", name="Đơn vị mới"))
    return {"update": AuditEntry.objects.get(action="update"), "create": AuditEntry.objects.get(action="create")}


@pytest.mark.parametrize("role,status", [(Role.SOC_ADMIN, 200), (Role.AUDITOR, 200), (Role.SOC_ANALYST, 403),
                                         (Role.UNIT_OFFICER, 403)])
def test_the_audit_log_is_for_administrators_and_auditors(login, users, trail, role, status):  # type: ignore[no-untyped-def]
    client = login(users[role])
    assert client.get(reverse("core:audit_list")).status_code == status
    assert client.get(reverse("core:audit_detail", args=[trail["update"].pk])).status_code == status
    menu = client.get(reverse("web:home")).content.decode()
    assert (reverse("core:audit_list") in menu) == (status == 200)


def listed(client, **query: Any) -> set[int]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("core:audit_list"), query)
    assert response.status_code == 200
    return {entry.pk for entry in response.context["object_list"]}


def test_filters(login, users, trail):  # type: ignore[no-untyped-def]
    client = login(users[Role.AUDITOR])
    update, create = trail["update"].pk, trail["create"].pk
    assert listed(client) == {update, create}
    assert listed(client, actor="analyst") == {create}
    assert listed(client, channel="ui") == {update}
    assert listed(client, action="create") == {create}
    assert listed(client, object_type="constituency.unit") == {update, create}
    assert listed(client, q="script") == {update}
    today = timezone.localdate()
    assert listed(client, since=today.isoformat(), until=today.isoformat()) == {update, create}
    assert listed(client, until=(today - datetime.timedelta(days=1)).isoformat()) == set()
    assert listed(client, object_type="constituency.unit", object_id=str(trail["update"].object_id)) == {update}


def test_a_bad_filter_value_does_not_break_the_page(login, users, trail):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    for query in ({"since": "hôm qua"}, {"channel": "fax"}, {"job": "x"}, {"sort": "password"}):
        assert client.get(reverse("core:audit_list"), query).status_code == 200


def test_the_detail_shows_before_and_after_per_field(login, users, trail):  # type: ignore[no-untyped-def]
    response = login(users[Role.AUDITOR]).get(reverse("core:audit_detail", args=[trail["update"].pk]),
                                              HTTP_ACCEPT_LANGUAGE="en")
    rows = {row["name"]: (row["before"], row["after"]) for row in response.context["rows"]}
    assert rows == {"name": ("Bệnh viện Đa khoa tỉnh", "Bệnh viện <script>x</script>"), "active": ("có", "không")}
    page = response.content.decode()
    assert "audit-diff" in page and "Bệnh viện Đa khoa tỉnh" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_a_creation_has_no_before(login, users, trail):  # type: ignore[no-untyped-def]
    response = login(users[Role.SOC_ADMIN]).get(reverse("core:audit_detail", args=[trail["create"].pk]))
    rows = {row["name"]: (row["before"], row["after"]) for row in response.context["rows"]}
    assert rows["code"] == (None, "MOI-1") and rows["name"] == (None, "Đơn vị mới")
    names = [row["name"] for row in response.context["rows"]]
    assert names.index("code") < names.index("name") < names.index("kind")  # the model's field order


def test_foreign_keys_are_named(login, users, province):  # type: ignore[no-untyped-def]
    unit = province.own_subunit
    with acting_as(users[Role.SOC_ADMIN], Channel.UI):
        before = snapshot(unit)
        unit.parent = province.other_unit
        save_object(unit, before)
    entry = AuditEntry.objects.get()
    response = login(users[Role.AUDITOR]).get(reverse("core:audit_detail", args=[entry.pk]))
    rows = {row["name"]: (row["before"], row["after"]) for row in response.context["rows"]}
    assert rows["parent"] == (f"{province.own_unit} (#{province.own_unit.pk})",
                              f"{province.other_unit} (#{province.other_unit.pk})")
    gone = AuditEntry.objects.create(action="update", object_type="constituency.unit", object_id="1",
                                     object_repr="x", changes={"parent": [999999, "abc"]})
    response = login(users[Role.AUDITOR]).get(reverse("core:audit_detail", args=[gone.pk]))
    assert [(row["before"], row["after"]) for row in response.context["rows"]] == [("#999999", "#abc")]


def test_an_entry_of_an_unknown_type_still_renders(login, users):  # type: ignore[no-untyped-def]
    entry = AuditEntry.objects.create(action="delete", object_type="gone.model", object_id="7", object_repr="x",
                                      changes={"flags": [["a", {"b": 1}], None], "odd": "not a pair"})
    response = login(users[Role.SOC_ADMIN]).get(reverse("core:audit_detail", args=[entry.pk]))
    assert response.status_code == 200
    rows = {row["name"]: (row["before"], row["after"]) for row in response.context["rows"]}
    assert rows == {"flags": ('a, {"b": 1}', None), "odd": (None, "not a pair")}


def test_an_unknown_entry_is_404(login, users):  # type: ignore[no-untyped-def]
    assert login(users[Role.AUDITOR]).get(reverse("core:audit_detail", args=[424242])).status_code == 404
