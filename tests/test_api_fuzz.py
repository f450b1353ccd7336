"""No 500 on any input: every writable API route gets each of its fields replaced by hostile values.

The fields come from the route's own serializer, so a field added later is fuzzed too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import resolve, reverse

from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
)
from canhgac.core.access import Role
from canhgac.duty.tests.factories import RosterFactory

HOSTILE: list[Any] = [
    None, "", " ", "x" * 70_000, "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "😀" * 300, -1, 0,
    2**70, 1.5, 1e308, True, [], [None], ["x" * 5000] * 60, {}, {"a": {"b": []}}, "2405:4800::/0", "../../etc/passwd",
]

ROUTES = {
    "unit": lambda province: province.own_subunit,
    "contact": lambda province: ContactFactory(unit=province.own_unit),
    "netblock": lambda province: NetblockFactory(unit=province.own_unit, block="14.190.0.0/24"),
    "domain": lambda province: DomainFactory(unit=province.own_unit),
    "asset": lambda province: AssetFactory(unit=province.own_unit),
    "informationsystem": lambda province: InformationSystemFactory(unit=province.own_unit),
    "user": lambda province: None,
    "token": lambda province: None,
    "duty-logentry": lambda province: None,
    "duty-roster": lambda province: RosterFactory(unit=province.own_unit),
}


def writable_fields(list_url: str) -> list[str]:
    view = resolve(list_url).func
    serializer_class = view.cls(action="create", request=None, format_kwarg=None, kwargs={}).get_serializer_class()
    return [name for name, field in serializer_class().fields.items() if not field.read_only]


@pytest.mark.django_db
@pytest.mark.parametrize("basename", list(ROUTES))
@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.UNIT_OFFICER])
def test_hostile_field_values_never_cause_a_server_error(api_as, users, province, basename, role, settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    api = api_as(users[role])
    target = ROUTES[basename](province)
    list_url = reverse(f"{basename}-list")
    urls = [list_url] + ([reverse(f"{basename}-detail", args=[target.pk])] if target is not None else [])
    failures = []
    for field in writable_fields(list_url):
        for value in HOSTILE:
            for url in urls:
                method = api.post if url == list_url else api.patch
                response = method(url, {"unit": province.own_unit.pk, field: value}, format="json")
                if response.status_code >= 500:
                    failures.append(f"{url} {field}={str(value)[:40]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)


LIST_ROUTES = ["unit-list", "contact-list", "netblock-list", "domain-list", "asset-list", "informationsystem-list",
               "user-list", "token-list", "job-list", "auditentry-list", "netblock-lookup", "duty-roster-list",
               "duty-person-list", "duty-shift-list", "duty-shift-now", "duty-assignment-list", "duty-logentry-list",
               "duty-alert-list", "bulletin-list"]
QUERY_VALUES = ["", "x" * 10_000, "\x00", "-1", "1e999", "<b>", "' OR 1=1 --", "true", "[]", "%", "2001:db8::1"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_ROUTES)
def test_hostile_query_parameters_never_cause_a_server_error(api_as, users, province, name):  # type: ignore[no-untyped-def]
    api = api_as(users[Role.SOC_ADMIN])
    view = resolve(reverse(name)).func
    filterset = getattr(view.cls, "filterset_class", None)
    params = ["ordering", "limit", "offset", "ip", "format", *(filterset.base_filters if filterset else ()),
              *(getattr(view.cls, "filterset_fields", None) or ())]
    failures = [f"{name} ?{param}={value[:20]!r}" for param in params for value in QUERY_VALUES
                if api.get(reverse(name), {param: value}).status_code >= 500]
    assert not failures, "\n".join(failures)
