"""The home page: real figures over the units the user may see, coverage gaps, a menu of what they may open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from canhgac.constituency.tests.factories import AssetFactory, ContactFactory, NetblockFactory, UnitFactory
from canhgac.core.access import Role


def figure(html: str, name: str) -> str:
    match = re.search(rf'id="figure-{name}"[^>]*>([^<]*)<', html)
    assert match, f"figure {name} missing"
    return match.group(1).strip()


@pytest.fixture
def registry(province):  # type: ignore[no-untyped-def]
    AssetFactory.create_batch(3, unit=province.own_unit, role="server", internet_facing=True)
    AssetFactory.create_batch(1200, unit=province.other_unit, role="workstation")
    NetblockFactory(unit=province.own_unit, block="203.113.1.0/24")
    ContactFactory(unit=province.other_unit, focal_point=True)
    return province


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_soc_sees_province_figures_with_vietnamese_number_format(login, users, registry):
    html = login(users[Role.SOC_ANALYST]).get(reverse("web:home")).content.decode()
    assert figure(html, "units") == "3"
    assert figure(html, "assets") == "1.203"  # Vietnamese thousands separator
    assert figure(html, "internet-facing") == "3"
    assert figure(html, "netblocks") == "1"
    assert "Máy trạm" in html and "1.200" in html  # assets by role, translated


def test_coverage_lists_units_without_focal_point_or_netblocks(login, users, registry):
    html = login(users[Role.SOC_ADMIN]).get(reverse("web:home")).content.decode()
    focal = html.split('id="without-focal-point"')[1].split("</section>")[0]
    blocks = html.split('id="without-netblocks"')[1].split("</section>")[0]
    assert "SO-TTTT" in focal and "BV-DK" not in focal
    assert "BV-DK" in blocks and "SO-TTTT" not in blocks


def test_officer_figures_cover_only_their_units(login, users, registry):
    html = login(users[Role.UNIT_OFFICER]).get(reverse("web:home")).content.decode()
    assert figure(html, "units") == "2"  # own unit and its sub-unit
    assert figure(html, "assets") == "3"
    assert "BV-DK" not in html and "Bệnh viện" not in html


def test_html_in_unit_names_is_shown_as_text(login, users, db):
    UnitFactory(code="XSS", name='<script>alert("x")</script>')
    html = login(users[Role.SOC_ADMIN]).get(reverse("web:home")).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


@pytest.mark.parametrize(("role", "visible", "hidden"), [
    (Role.SOC_ADMIN, ["constituency:unit_list", "accounts:user_list", "core:audit_list"], []),
    (Role.SOC_ANALYST, ["constituency:unit_list", "core:job_list"], ["accounts:user_list", "core:audit_list"]),
    (Role.UNIT_OFFICER, ["constituency:asset_list"], ["accounts:user_list", "core:audit_list"]),
    (Role.AUDITOR, ["core:audit_list", "constituency:unit_list"], ["accounts:user_list", "constituency:import"]),
])
def test_menu_lists_only_pages_the_role_may_open(login, users, role, visible, hidden):
    client = login(users[role])
    html = client.get(reverse("web:home")).content.decode()
    for name in visible:
        assert f'href="{reverse(name)}"' in html, name
        assert client.get(reverse(name)).status_code == 200, name
    for name in hidden:
        assert f'href="{reverse(name)}"' not in html, name


def test_vietnamese_formats_group_digits_and_write_dates_day_first(settings):
    from datetime import date

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert formats.number_format(1.5, decimal_pos=1) == "1,5"
        assert formats.date_format(date(2026, 9, 2), "SHORT_DATE_FORMAT") == "02/09/2026"
    with translation.override("en"):
        assert formats.number_format(1234567, force_grouping=True) == "1,234,567"


def test_plain_numbers_are_never_grouped_so_ids_in_links_and_forms_stay_valid():
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("vi"):
        template = Template('{% load humanize %}<a href="?asset={{ n }}">{{ n|intcomma }}</a>')
        html = template.render(Context({"n": 12345}))
    assert html == '<a href="?asset=12345">12.345</a>'
