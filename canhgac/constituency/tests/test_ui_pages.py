"""Registry console pages: every page for every role, scoping of rows, buttons by permission, hostile input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from canhgac.constituency.models import AssetRole
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
    UnitFactory,
)
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db

ROLES = [Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR]
KINDS = ["unit", "contact", "netblock", "domain", "asset", "informationsystem"]


@pytest.fixture
def registry(province: Any) -> dict[str, tuple[Any, Any]]:
    """One object of each kind in the officer's unit and one in another unit."""
    own, other = province.own_unit, province.other_unit
    own_asset, other_asset = AssetFactory(unit=own, ip_addresses="14.161.0.10"), AssetFactory(unit=other)
    own_system, other_system = InformationSystemFactory(unit=own), InformationSystemFactory(unit=other)
    own_system.assets.add(own_asset)
    own_asset.software.create(vendor="Apache", product="Tomcat", version="9.0.80",
                              cpe="cpe:2.3:a:apache:tomcat:9.0.80:*:*:*:*:*:*:*")
    return {
        "unit": (province.own_subunit, other),
        "contact": (ContactFactory(unit=own), ContactFactory(unit=other)),
        "netblock": (NetblockFactory(unit=own, block="14.161.0.0/24"), NetblockFactory(unit=other)),
        "domain": (DomainFactory(unit=own), DomainFactory(unit=other)),
        "asset": (own_asset, other_asset),
        "informationsystem": (own_system, other_system),
    }


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(client: Any, name: str, **kwargs: Any) -> Any:
    return client.get(reverse(f"constituency:{name}", kwargs=kwargs or None))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_list_and_detail_pages_render_for_every_role(login: Any, users: dict, registry: dict, role: str,
                                                     kind: str) -> None:
    client = login(users[role])
    listing = page(client, f"{kind}_list")
    assert listing.status_code == 200
    assert page(client, f"{kind}_detail", pk=registry[kind][0].pk).status_code == 200
    other = page(client, f"{kind}_detail", pk=registry[kind][1].pk)
    assert other.status_code == (404 if role == Role.UNIT_OFFICER else 200)


@pytest.mark.parametrize("kind", KINDS)
def test_officer_lists_only_rows_of_own_units(login: Any, users: dict, registry: dict, kind: str) -> None:
    own, other = registry[kind]
    body = page(login(users[Role.UNIT_OFFICER]), f"{kind}_list").content.decode()
    assert own.get_absolute_url() in body
    assert other.get_absolute_url() not in body


@pytest.mark.parametrize("kind", KINDS)
def test_officer_gets_404_for_another_units_edit_and_delete_pages(login: Any, users: dict, registry: dict,
                                                                   kind: str) -> None:
    client = login(users[Role.UNIT_OFFICER])
    other = registry[kind][1]
    expected = 403 if kind in ("unit", "netblock") else 404  # may not edit units/netblocks at all
    for action in ("update", "delete"):
        assert page(client, f"{kind}_{action}", pk=other.pk).status_code == expected
        response = client.post(reverse(f"constituency:{kind}_{action}", kwargs={"pk": other.pk}), {"name": "x"})
        assert response.status_code == expected
    assert type(other).objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_auditor_sees_no_edit_buttons_and_is_refused_every_write(login: Any, users: dict, registry: dict,
                                                                 kind: str) -> None:
    client = login(users[Role.AUDITOR])
    obj = registry[kind][0]
    detail = page(client, f"{kind}_detail", pk=obj.pk).content.decode()
    assert 'id="edit"' not in detail and 'id="delete"' not in detail
    assert 'id="add"' not in page(client, f"{kind}_list").content.decode()
    assert client.post(reverse(f"constituency:{kind}_create"), {"name": "x"}).status_code == 403
    for action in ("update", "delete"):
        assert client.post(reverse(f"constituency:{kind}_{action}", kwargs={"pk": obj.pk}), {}).status_code == 403
    assert page(client, f"{kind}_create").status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.SOC_ANALYST])
@pytest.mark.parametrize("kind", KINDS)
def test_soc_sees_edit_buttons_and_every_form(login: Any, users: dict, registry: dict, role: str, kind: str) -> None:
    client = login(users[role])
    obj = registry[kind][1]
    detail = page(client, f"{kind}_detail", pk=obj.pk).content.decode()
    assert 'id="edit"' in detail and 'id="delete"' in detail
    assert 'id="add"' in page(client, f"{kind}_list").content.decode()
    for name, kwargs in ((f"{kind}_create", {}), (f"{kind}_update", {"pk": obj.pk}),
                         (f"{kind}_delete", {"pk": obj.pk})):
        assert page(client, name, **kwargs).status_code == 200, name


@pytest.mark.parametrize("kind", ["contact", "domain", "asset", "informationsystem"])
def test_officer_edits_own_units_objects(login: Any, users: dict, registry: dict, kind: str) -> None:
    client = login(users[Role.UNIT_OFFICER])
    own = registry[kind][0]
    detail = page(client, f"{kind}_detail", pk=own.pk).content.decode()
    assert 'id="edit"' in detail and 'id="delete"' in detail
    assert page(client, f"{kind}_update", pk=own.pk).status_code == 200
    assert page(client, f"{kind}_create").status_code == 200


@pytest.mark.parametrize("kind", ["unit", "netblock"])
def test_officer_may_read_but_not_edit_units_and_netblocks(login: Any, users: dict, registry: dict,
                                                           kind: str) -> None:
    client = login(users[Role.UNIT_OFFICER])
    own = registry[kind][0]
    detail = page(client, f"{kind}_detail", pk=own.pk).content.decode()
    assert 'id="edit"' not in detail
    assert 'id="add"' not in page(client, f"{kind}_list").content.decode()
    assert page(client, f"{kind}_create").status_code == 403
    assert page(client, f"{kind}_update", pk=own.pk).status_code == 403


def test_officer_sees_but_cannot_edit_a_national_bodys_contact(login: Any, users: dict) -> None:
    body = ContactFactory(unit=None, organisation="VNCERT/CC", national_body=True, name="Trực ban")
    client = login(users[Role.UNIT_OFFICER])
    detail = page(client, "contact_detail", pk=body.pk)
    assert detail.status_code == 200 and 'id="edit"' not in detail.content.decode()
    assert page(client, "contact_update", pk=body.pk).status_code == 403
    assert client.post(reverse("constituency:contact_delete", kwargs={"pk": body.pk})).status_code == 403
    assert body.__class__.objects.filter(pk=body.pk).exists()


def test_unit_page_shows_its_tree_and_everything_it_holds(login: Any, users: dict, province: Any,
                                                          registry: dict) -> None:
    child = UnitFactory(parent=province.own_subunit, code="XA-1", name="UBND xã Một")
    body = page(login(users[Role.SOC_ADMIN]), "unit_detail", pk=province.own_subunit.pk).content.decode()
    assert province.own_unit.get_absolute_url() in body  # breadcrumb to the parent
    assert child.get_absolute_url() in body
    own_page = page(login(users[Role.SOC_ADMIN]), "unit_detail", pk=province.own_unit.pk).content.decode()
    for kind in ("contact", "netblock", "domain", "asset", "informationsystem"):
        assert registry[kind][0].get_absolute_url() in own_page, kind
    assert f"?unit={province.own_unit.code}" in own_page  # "all assets" goes to the filtered list
    assert f"?unit={province.own_unit.pk}" in own_page  # "add" comes prefilled with the unit


def test_officers_breadcrumb_stops_at_their_own_units(login: Any, users: dict, province: Any) -> None:
    top = UnitFactory(code="UBND-TINH", name="UBND tỉnh")
    province.own_unit.parent = top
    province.own_unit.save()
    body = page(login(users[Role.UNIT_OFFICER]), "unit_detail", pk=province.own_subunit.pk).content.decode()
    assert province.own_unit.get_absolute_url() in body
    assert top.get_absolute_url() not in body  # would be a 404 for them
    listing = page(login(users[Role.UNIT_OFFICER]), "unit_list").content.decode()
    assert top.get_absolute_url() not in listing and "UBND-TINH" in listing


def test_unit_page_shows_first_assets_and_links_to_the_rest(login: Any, users: dict, province: Any) -> None:
    AssetFactory.create_batch(25, unit=province.other_unit)
    body = page(login(users[Role.SOC_ADMIN]), "unit_detail", pk=province.other_unit.pk).content.decode()
    assert len(re.findall(r'href="/registry/assets/\d+/"', body)) == 20
    assert f"/registry/assets/?unit={province.other_unit.code}" in body


def test_asset_page_shows_addresses_software_with_cpe_and_systems(login: Any, users: dict, registry: dict) -> None:
    asset = registry["asset"][0]
    body = page(login(users[Role.UNIT_OFFICER]), "asset_detail", pk=asset.pk).content.decode()
    assert "cpe:2.3:a:apache:tomcat:9.0.80:*:*:*:*:*:*:*" in body and "Tomcat" in body
    assert registry["informationsystem"][0].get_absolute_url() in body


def test_netblock_page_names_other_units_more_specific_blocks(login: Any, users: dict, province: Any) -> None:
    outer = NetblockFactory(unit=province.own_unit, block="10.20.0.0/16")
    inner = NetblockFactory(unit=province.other_unit, block="10.20.5.0/24")
    body = page(login(users[Role.SOC_ANALYST]), "netblock_detail", pk=outer.pk).content.decode()
    assert inner.get_absolute_url() in body and province.other_unit.code in body
    inner_page = page(login(users[Role.SOC_ANALYST]), "netblock_detail", pk=inner.pk).content.decode()
    assert outer.get_absolute_url() in inner_page  # the block it sits in
    officer_view = page(login(users[Role.UNIT_OFFICER]), "netblock_detail", pk=outer.pk).content.decode()
    assert inner.get_absolute_url() not in officer_view  # another unit's block stays hidden from officers


def test_system_page_explains_its_level(login: Any, users: dict, registry: dict, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    system = registry["informationsystem"][0]
    client = login(users[Role.AUDITOR])
    client.cookies["django_language"] = "en"
    body = page(client, "informationsystem_detail", pk=system.pk).content.decode()
    assert "Seriously harms the lawful rights" in body  # level 2 under Decree 85/2016
    assert registry["asset"][0].get_absolute_url() in body


def test_html_in_names_is_rendered_escaped(login: Any, users: dict, province: Any) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    unit = UnitFactory(code="EVIL", name=evil, short_name=evil)
    asset = AssetFactory(unit=unit, name=evil, description=evil)
    ContactFactory(unit=unit, name=evil)
    client = login(users[Role.SOC_ADMIN])
    for response in (page(client, "unit_list"), page(client, "unit_detail", pk=unit.pk),
                     page(client, "asset_list"), page(client, "asset_detail", pk=asset.pk),
                     page(client, "contact_list"), page(client, "unit_update", pk=unit.pk),
                     page(client, "unit_delete", pk=unit.pk), page(client, "asset_update", pk=asset.pk)):
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert" in body


HOSTILE = ["'", '"><script>', "\x00", "-", "--code", "9" * 40, "𝕏", "%", "../../etc", " OR 1=1"]


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_sort_filter_and_page_values_never_fail(login: Any, users: dict, registry: dict,
                                                        kind: str) -> None:
    client = login(users[Role.UNIT_OFFICER])
    url = reverse(f"constituency:{kind}_list")
    names = ["sort", "page", "q", "unit", "unit_tree", "kind", "active", "parent", "focal_point", "version",
             "purpose", "role", "internet_facing", "product", "security_level"]
    for value in HOSTILE:
        for name in names:
            response = client.get(url, {name: value})
            assert response.status_code == 200, (name, value)
    assert client.get(url, {"page": "99999"}).status_code == 200
    assert client.get(url, {"page": "0", "sort": "-pk"}).status_code == 200


def test_filters_and_sorting_work(login: Any, users: dict, province: Any) -> None:
    AssetFactory(unit=province.own_unit, name="a-mail", role=AssetRole.MAIL, internet_facing=True)
    AssetFactory(unit=province.own_unit, name="b-web", role=AssetRole.WEB_PORTAL)
    zimbra = AssetFactory(unit=province.other_unit, name="c-mail", role=AssetRole.MAIL)
    zimbra.software.create(vendor="Synacor", product="Zimbra Collaboration", version="8.8.15")
    client = login(users[Role.SOC_ADMIN])
    url = reverse("constituency:asset_list")

    def names(**query: str) -> list[str]:
        return [asset.name for asset in client.get(url, query).context["object_list"]]

    assert names(role="mail") == ["a-mail", "c-mail"]
    assert names(role="mail", sort="-name") == ["c-mail", "a-mail"]
    assert names(internet_facing="true") == ["a-mail"]
    assert names(product="zimbra") == ["c-mail"]
    assert names(unit=province.other_unit.code) == ["c-mail"]
    assert names(q="b-w") == ["b-web"]


def test_list_pages_fifty_rows_at_a_time(login: Any, users: dict, province: Any) -> None:
    AssetFactory.create_batch(51, unit=province.own_unit)
    client = login(users[Role.SOC_ADMIN])
    first = client.get(reverse("constituency:asset_list"))
    assert len(first.context["object_list"]) == 50 and first.context["paginator"].count == 51
    assert len(client.get(reverse("constituency:asset_list"), {"page": 2}).context["object_list"]) == 1


def test_menu_lists_the_registry_pages(login: Any, users: dict) -> None:
    body = login(users[Role.UNIT_OFFICER]).get(reverse("web:home")).content.decode()
    for name in ("unit_list", "contact_list", "netblock_list", "domain_list", "asset_list",
                 "informationsystem_list", "ip_lookup"):
        assert reverse(f"constituency:{name}") in body, name
