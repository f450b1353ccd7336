"""Unit scoping: ``for_user`` and ``get_scoped_or_404`` over every unit-owned model, for every role.

An officer bound to ``own_unit`` sees it and ``own_subunit`` (and whatever hangs below them), never
``other_unit``; SOC staff and auditors see everything; nobody signed out sees anything.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from canhgac.accounts.models import User
from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.models import Contact, Operator, Software, Unit
from canhgac.constituency.services import SoftwareItem, save_asset, save_object
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
    UnitFactory,
)
from canhgac.core.access import Role
from canhgac.core.audit import snapshot
from canhgac.core.scoping import get_scoped_or_404, may_own, visible_unit_ids

pytestmark = pytest.mark.django_db

UNIT_OWNED = ["unit", "contact", "netblock", "domain", "asset", "assetaddress", "software", "informationsystem"]


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def model(name: str) -> Any:
    return apps.get_model("constituency", name)


def populate(unit: Unit, octet: int) -> dict[str, Any]:
    """One object of every unit-owned model in ``unit``."""
    asset = AssetFactory(unit=unit, ip_addresses=f"198.51.100.{octet}")
    save_asset(asset, snapshot(asset), [SoftwareItem("nginx", "nginx", f"1.{octet}")])
    system = InformationSystemFactory(unit=unit)
    system.assets.add(asset)
    return {
        "unit": unit, "contact": ContactFactory(unit=unit), "netblock": NetblockFactory(unit=unit),
        "domain": DomainFactory(unit=unit), "asset": asset, "assetaddress": asset.addresses.get(),
        "software": Software.objects.get(asset=asset), "informationsystem": system,
    }


@pytest.fixture
def registry(province: Any) -> dict[str, dict[str, Any]]:
    Operator.objects.create(governing_body="UBND TỈNH", name="Sở KH&CN", abbreviation="SKHCN", province="X",
                            place="X")
    ContactFactory(unit=None, organisation="VNCERT/CC", national_body=True, focal_point=False)
    return {"own": populate(province.own_unit, 1), "sub": populate(province.own_subunit, 2),
            "other": populate(province.other_unit, 3)}


def visible(name: str, user: Any) -> set[int]:
    return set(model(name).objects.for_user(user).values_list("pk", flat=True))


@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.SOC_ANALYST, Role.AUDITOR])
@pytest.mark.parametrize("name", [*UNIT_OWNED, "operator"])
def test_soc_staff_and_auditors_see_every_row(registry: Any, users: Any, role: str, name: str) -> None:
    assert visible(name, users[role]) == set(model(name).objects.values_list("pk", flat=True))


@pytest.mark.parametrize("name", UNIT_OWNED)
def test_an_officer_sees_the_rows_of_their_unit_and_its_subunits_only(registry: Any, users: Any, name: str) -> None:
    expected = {registry["own"][name].pk, registry["sub"][name].pk}
    if name == "contact":
        expected |= set(Contact.objects.filter(unit=None).values_list("pk", flat=True))  # national bodies
    assert visible(name, users[Role.UNIT_OFFICER]) == expected


def test_an_officer_does_not_see_the_operator(registry: Any, users: Any) -> None:
    assert visible("operator", users[Role.UNIT_OFFICER]) == set()


@pytest.mark.parametrize("name", [*UNIT_OWNED, "operator"])
def test_signed_out_and_deactivated_users_see_nothing(registry: Any, users: Any, name: str) -> None:
    deactivated = users[Role.SOC_ADMIN]
    deactivated.is_active = False
    assert visible(name, AnonymousUser()) == set()
    assert visible(name, deactivated) == set()
    assert visible(name, None) == set()


@pytest.mark.parametrize("name", UNIT_OWNED)
def test_get_scoped_or_404_hides_another_units_object(registry: Any, users: Any, name: str) -> None:
    officer, queryset = users[Role.UNIT_OFFICER], model(name).objects.all()
    assert get_scoped_or_404(queryset, officer, pk=registry["sub"][name].pk) == registry["sub"][name]
    with pytest.raises(Http404):
        get_scoped_or_404(queryset, officer, pk=registry["other"][name].pk)
    assert get_scoped_or_404(queryset, users[Role.AUDITOR], pk=registry["other"][name].pk) == registry["other"][name]


# Not here: what Python's int() reads as a number (1.5, "٣", b"1"): those are ids, and scoped like any other.
MALFORMED_IDS = ["abc", "", " ", "1.5", "1e3", "-1", "0", "1 OR 1=1", "1;DROP TABLE x", "\x00", "1\x00",
                 str(2**63), 2**63, 2**70, -(2**70), "9" * 40, None, [1], {"pk": 1}]


@pytest.mark.parametrize("raw", MALFORMED_IDS, ids=repr)
def test_get_scoped_or_404_answers_404_for_malformed_ids(registry: Any, users: Any, raw: Any) -> None:
    for name in ("unit", "asset", "software"):
        with pytest.raises(Http404):
            get_scoped_or_404(model(name).objects.all(), users[Role.SOC_ADMIN], pk=raw)


def test_an_officer_bound_to_two_units_sees_both_subtrees(registry: Any, province: Any) -> None:
    elsewhere = UnitFactory(code="UBND-HUYEN")
    officer = UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit, province.other_unit])
    assert visible("unit", officer) == {province.own_unit.pk, province.own_subunit.pk, province.other_unit.pk}
    assert elsewhere.pk not in visible("unit", officer)
    assert visible("asset", officer) == {registry[key]["asset"].pk for key in ("own", "sub", "other")}


def test_moving_a_unit_moves_its_objects_in_and_out_of_an_officers_view(registry: Any, province: Any,
                                                                        users: Any) -> None:
    commune = UnitFactory(code="UBND-XA", parent=province.other_unit)
    commune_asset = AssetFactory(unit=commune)
    officer_id = users[Role.UNIT_OFFICER].pk

    def officer_sees() -> tuple[set[int], set[int]]:
        officer = User.objects.get(pk=officer_id)  # as a new request would load them
        return visible("unit", officer), visible("asset", officer)

    assert commune.pk not in officer_sees()[0]
    before = snapshot(commune)
    commune.parent = province.own_subunit  # now a grandchild of the officer's unit
    save_object(commune, before)
    units, assets = officer_sees()
    assert {commune.pk, province.own_subunit.pk} <= units and commune_asset.pk in assets

    subunit = Unit.objects.get(pk=province.own_subunit.pk)
    before = snapshot(subunit)
    subunit.parent = None  # the sub-unit leaves, and its own sub-unit with it
    save_object(subunit, before)
    units, assets = officer_sees()
    assert units == {province.own_unit.pk}
    assert commune_asset.pk not in assets and registry["sub"]["asset"].pk not in assets


def test_a_unit_cannot_be_moved_under_its_own_subtree(province: Any) -> None:
    grandchild = UnitFactory(code="GRAND", parent=province.own_subunit)
    own = Unit.objects.get(pk=province.own_unit.pk)
    before = snapshot(own)
    own.parent = grandchild
    with pytest.raises(ValidationError) as refused:
        save_object(own, before)
    assert "parent" in refused.value.message_dict
    assert Unit.objects.get(pk=own.pk).parent_id is None


def test_visible_units_and_may_own(province: Any, users: Any) -> None:
    officer = users[Role.UNIT_OFFICER]
    assert visible_unit_ids(officer) == {province.own_unit.pk, province.own_subunit.pk}
    assert visible_unit_ids(users[Role.AUDITOR]) is None and visible_unit_ids(AnonymousUser()) == frozenset()
    assert may_own(officer, province.own_subunit.pk)
    assert not may_own(officer, province.other_unit.pk) and not may_own(officer, None)
    assert may_own(users[Role.SOC_ANALYST], province.other_unit.pk) and may_own(users[Role.SOC_ADMIN], None)
    assert not may_own(AnonymousUser(), province.own_unit.pk)


def test_an_officer_without_units_sees_nothing_of_the_registry(registry: Any) -> None:
    loose = User.objects.create(username="loose", role=Role.UNIT_OFFICER)
    assert visible("unit", loose) == set() and visible("asset", loose) == set()
    assert visible("contact", loose) == set(Contact.objects.filter(unit=None).values_list("pk", flat=True))
