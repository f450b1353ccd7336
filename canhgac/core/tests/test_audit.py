"""The audit trail: snapshots and diffs, and one entry per create/update/delete made through the services.

Each entry names the actor, the channel (console, API, CLI, import job …), the object and its unit, and each
changed field as ``[before, after]``; a save that changes nothing writes nothing and records nothing.
"""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from canhgac.accounts.models import ApiToken, User
from canhgac.accounts.services import deactivate_user, save_user
from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Unit
from canhgac.constituency.services import SoftwareItem, delete_object, save_asset, save_object, save_system
from canhgac.constituency.tests.factories import AssetFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.audit import _plain, acting_as, current_actor, diff, snapshot
from canhgac.core.models import AuditAction, AuditEntry, Channel, Job

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Một-mật-khẩu-mới-đủ-dài-42"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def only_entry(**lookup: Any) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**lookup))
    assert len(entries) == 1, entries
    return entries[0]


# --- snapshot and diff --------------------------------------------------------------------------------------


def test_a_snapshot_holds_concrete_fields_with_foreign_keys_by_id(province: Any) -> None:
    unit = Unit.objects.get(pk=province.own_subunit.pk)
    state = snapshot(unit)
    assert state["parent"] == province.own_unit.pk and state["code"] == "TT-CNTT" and state["id"] == unit.pk
    assert "created_at" not in state and "updated_at" not in state  # the entry's own time says when


def test_a_snapshot_leaves_out_declared_secrets_and_derived_keys(province: Any) -> None:
    user = User(username="u", role=Role.SOC_ANALYST)
    user.set_password(NEW_PASSWORD)
    assert "password" not in snapshot(user) and "last_login" not in snapshot(user)
    token = ApiToken(user=user, name="n", prefix="abcd", key_hash="f" * 64)
    assert "key_hash" not in snapshot(token) and "last_used_at" not in snapshot(token)
    block = Netblock(unit=province.own_unit, block="10.0.0.0/8")
    block.full_clean()
    assert set(snapshot(block)) == {"id", "unit", "block", "version", "description"}


def test_a_snapshot_includes_what_the_model_adds_software_and_assets(province: Any) -> None:
    tomcat = "cpe:2.3:a:apache:tomcat:9.0.83:*:*:*:*:*:*:*"
    asset = AssetFactory(unit=province.own_unit)
    save_asset(asset, snapshot(asset), [SoftwareItem("Zimbra", "Collaboration", "8.8.15 p41"),
                                        SoftwareItem("Apache", "Tomcat", "9.0.83", tomcat)])
    assert snapshot(asset)["software"] == [f"Apache | Tomcat | 9.0.83 | {tomcat}",
                                           "Zimbra | Collaboration | 8.8.15 p41"]
    assert snapshot(asset, extra={"software": ["x"]})["software"] == ["x"]  # a bulk import passes what it knows


@pytest.mark.parametrize(("value", "plain"), [
    (None, None), (True, True), (3, 3), (1.5, 1.5), ("chữ", "chữ"),
    (datetime.date(2026, 1, 2), "2026-01-02"), (datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
                                                "2026-01-02T03:04:00+00:00"),
    (decimal.Decimal("1.10"), "1.10"), (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    (ipaddress.ip_address("2001:db8::1"), "2001:db8::1"), ((1, "a"), [1, "a"]), ({1: {2}}, {"1": "{2}"}),
])
def test_values_are_recorded_as_json(value: Any, plain: Any) -> None:
    assert _plain(value) == plain


def test_diff_lists_only_the_changed_fields_as_before_after() -> None:
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
    assert diff(None, {"a": 1}) == {"a": [None, 1]}
    assert diff({"a": 1}, None) == {"a": [1, None]}
    assert diff({"a": 1}, {"a": 1}) == {}


def test_without_an_actor_changes_are_the_systems() -> None:
    assert (current_actor().user, current_actor().channel) == (None, Channel.SYSTEM)
    unit = Unit(code="SYS", name="Hệ thống")
    save_object(unit)
    entry = only_entry(object_type="constituency.unit")
    assert (entry.actor, entry.actor_label, entry.channel) == (None, "system", Channel.SYSTEM)


# --- every write through the services -----------------------------------------------------------------------

CHANNELS = [Channel.UI, Channel.API, Channel.CLI]


@pytest.mark.parametrize("channel", CHANNELS)
def test_creating_updating_and_deleting_a_unit_records_who_how_and_what(province: Any, users: Any,
                                                                         channel: str) -> None:
    admin = users[Role.SOC_ADMIN]
    with acting_as(admin, channel):
        unit = Unit(code="BV-NHI", name="Bệnh viện Nhi <b>tỉnh</b>", kind="hospital", parent=province.own_unit)
        assert save_object(unit)
        before = snapshot(unit)
        unit.name, unit.parent = "Bệnh viện Sản Nhi", None
        assert save_object(unit, before)
        delete_object(unit)
    created, updated, deleted = AuditEntry.objects.filter(object_type="constituency.unit").order_by("id")
    for entry in (created, updated, deleted):
        assert (entry.actor, entry.actor_label, entry.channel, entry.object_id) == (admin, "admin", channel,
                                                                                    str(before["id"]))
        assert entry.unit_id == before["id"] and entry.job is None
    assert created.action == AuditAction.CREATE and created.object_repr == "Bệnh viện Nhi <b>tỉnh</b> (BV-NHI)"
    assert created.changes["code"] == [None, "BV-NHI"] and created.changes["parent"] == [None, province.own_unit.pk]
    assert updated.action == AuditAction.UPDATE
    assert updated.changes == {"name": ["Bệnh viện Nhi <b>tỉnh</b>", "Bệnh viện Sản Nhi"],
                               "parent": [province.own_unit.pk, None]}
    assert deleted.action == AuditAction.DELETE and deleted.changes["name"] == ["Bệnh viện Sản Nhi", None]
    assert not Unit.objects.filter(code="BV-NHI").exists()


@pytest.mark.parametrize(("model", "fields", "change"), [
    (Contact, {"name": "Lê Văn A", "email": "a@example.gov.vn"}, {"phone": "0912 345 678"}),
    (Netblock, {"block": "203.113.128.0-203.113.128.255"}, {"description": "Cổng dịch vụ công"}),
    (Domain, {"name": "dichvucong.example.gov.vn"}, {"purpose": Domain.Purpose.SERVICE}),
])
def test_every_registry_object_is_audited_with_its_unit(province: Any, users: Any, model: Any, fields: dict,
                                                         change: dict) -> None:
    officer = users[Role.UNIT_OFFICER]
    with acting_as(officer, Channel.API):
        instance = model(unit=province.own_subunit, **fields)
        save_object(instance)
        before = snapshot(instance)
        for name, value in change.items():
            setattr(instance, name, value)
        save_object(instance, before)
        delete_object(instance)
    label = model._meta.label_lower
    entries = list(AuditEntry.objects.filter(object_type=label).order_by("id"))
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert {(e.actor_id, e.channel, e.unit_id) for e in entries} == {(officer.pk, "api", province.own_subunit.pk)}
    name, value = next(iter(change.items()))
    assert entries[1].changes == {name: [before[name], value]}
    if model is Netblock:  # stored as the canonical label the lookup shows
        assert entries[0].changes["block"] == [None, "203.113.128.0/24"]


def test_a_save_that_changes_nothing_records_nothing(province: Any, users: Any) -> None:
    with acting_as(users[Role.SOC_ANALYST], Channel.UI):
        unit = Unit.objects.get(pk=province.other_unit.pk)
        assert save_object(unit, snapshot(unit)) is False
        asset = Asset(unit=province.other_unit, name="web", ip_addresses="10.0.0.1")
        assert save_asset(asset, None, [SoftwareItem("nginx", "nginx", "1.24")])
        stamp = Asset.objects.get(pk=asset.pk).updated_at
        asset = Asset.objects.get(pk=asset.pk)
        assert save_asset(asset, snapshot(asset), [SoftwareItem("nginx", "nginx", "1.24")]) is False
        system = InformationSystem(unit=province.other_unit, name="Cổng", security_level=3)
        assert save_system(system, None, [asset])
        assert save_system(system, snapshot(system), [asset]) is False
        admin = users[Role.SOC_ADMIN]
        assert save_user(admin, snapshot(admin)) is False
    assert Asset.objects.get(pk=asset.pk).updated_at == stamp  # the no-op save was rolled back
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 0
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 2  # the asset and the system


def test_changing_only_an_assets_software_or_addresses_is_an_update(province: Any, users: Any) -> None:
    with acting_as(users[Role.UNIT_OFFICER], Channel.UI):
        asset = Asset(unit=province.own_unit, name="mail", ip_addresses="203.113.1.5")
        save_asset(asset, None, [SoftwareItem("Microsoft", "Exchange Server", "2016 CU22")])
        before = snapshot(asset)
        save_asset(asset, before, [SoftwareItem("Microsoft", "Exchange Server", "2016 CU23")])
        before = snapshot(asset)
        asset.ip_addresses = "203.113.1.5, 2001:db8::25"
        save_asset(asset, before, None)
    created, software, addresses = AuditEntry.objects.filter(object_type="constituency.asset").order_by("id")
    assert created.changes["software"] == [None, ["Microsoft | Exchange Server | 2016 CU22"]]
    assert software.changes == {"software": [["Microsoft | Exchange Server | 2016 CU22"],
                                             ["Microsoft | Exchange Server | 2016 CU23"]]}
    assert addresses.changes == {"ip_addresses": ["203.113.1.5", "203.113.1.5, 2001:db8::25"]}
    assert sorted(asset.addresses.values_list("address", flat=True)) == ["2001:db8::25", "203.113.1.5"]


def test_a_systems_assets_are_part_of_its_audited_state(province: Any, users: Any) -> None:
    first, second = (AssetFactory(unit=province.own_unit, name=name) for name in ("web-01", "db-01"))
    with acting_as(users[Role.SOC_ADMIN], Channel.CLI):
        system = InformationSystem(unit=province.own_unit, name="Một cửa điện tử", security_level=3)
        save_system(system, None, [first])
        save_system(system, snapshot(system), [first, second])
        delete_object(system)
    created, updated, deleted = AuditEntry.objects.filter(object_type="constituency.informationsystem").order_by("id")
    assert created.changes["assets"] == [None, ["web-01"]] and created.changes["security_level"] == [None, 3]
    assert updated.changes == {"assets": [["web-01"], ["db-01", "web-01"]]}
    assert deleted.changes["assets"] == [["db-01", "web-01"], None] and deleted.channel == "cli"


def test_a_refused_write_records_nothing(province: Any, users: Any) -> None:
    with acting_as(users[Role.SOC_ADMIN], Channel.UI):
        with pytest.raises(ValidationError):
            save_object(Netblock(unit=province.own_unit, block="10.0.0.5/24"))
        with pytest.raises(ValidationError):
            delete_object(Unit.objects.get(pk=province.own_unit.pk))  # it has a sub-unit
        with pytest.raises(ValidationError):
            save_object(Unit(code="bad code!", name="x"))
    assert not AuditEntry.objects.exists()
    assert Unit.objects.filter(pk=province.own_unit.pk).exists()


def test_accounts_are_audited_without_their_secrets(province: Any, users: Any) -> None:
    admin = users[Role.SOC_ADMIN]
    with acting_as(admin, Channel.UI):
        officer = User(username="canbo", role=Role.UNIT_OFFICER, full_name="Cán bộ")
        save_user(officer, None, units=[province.own_unit], password=NEW_PASSWORD)
        before = snapshot(officer)
        save_user(officer, before, units=[province.own_unit, province.other_unit], password=NEW_PASSWORD + "!")
        deactivate_user(officer)
    created, updated, deactivated = AuditEntry.objects.filter(object_type="accounts.user").order_by("id")
    assert created.changes["units"] == [None, ["SO-TTTT"]] and created.changes["role"] == [None, "unit_officer"]
    assert updated.changes == {"units": [["SO-TTTT"], ["BV-DK", "SO-TTTT"]], "password": ["", "changed"]}
    assert deactivated.changes == {"is_active": [True, False]}
    text = str([e.changes for e in (created, updated, deactivated)])
    assert NEW_PASSWORD not in text and "md5$" not in text and officer.password not in text


def test_a_jobs_writes_name_the_job_and_its_starter(province: Any, users: Any) -> None:
    job = Job.objects.create(kind="test", title="t", created_by=users[Role.SOC_ANALYST])
    with acting_as(users[Role.SOC_ANALYST], Channel.IMPORT, job.pk):
        save_object(UnitFactory.build(code="TU-JOB", name="Từ việc nền"))
    entry = only_entry(object_type="constituency.unit")
    assert (entry.job_id, entry.channel, entry.actor) == (job.pk, "import", users[Role.SOC_ANALYST])


def test_an_entry_outlives_its_actor(province: Any) -> None:
    temporary = User.objects.create(username="tam-thoi", role=Role.SOC_ADMIN)
    with acting_as(temporary, Channel.API):
        save_object(Unit(code="X1", name="X"))
    temporary.delete()
    entry = only_entry(object_type="constituency.unit")
    assert entry.actor is None and entry.actor_label == "tam-thoi"
