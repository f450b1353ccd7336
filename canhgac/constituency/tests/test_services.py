"""Registry services: the software list's text form, as the import, export and console forms write it."""

from __future__ import annotations

import pytest

from canhgac.constituency.services import format_software_list, parse_software_list


@pytest.mark.parametrize("text", [
    "F5 | BIG-IP |  | cpe:2.3:h:f5:big-ip:-:*:*:*:*:*:*:*",
    "Apache | Tomcat | 9.0.85",
    "nginx | nginx",
    "Synacor | Zimbra | 8.8.15 p41 | cpe:2.3:a:synacor:zimbra_collaboration_suite:8.8.15:p41:*:*:*:*:*:*",
    "Microsoft | Windows Server | 2019 10.0.17763.5576; cpe:2.3:o:microsoft:windows_10:22h2:*:*:*:*:*:*:*",
])
def test_software_list_round_trips_through_its_text_form(text):
    items = parse_software_list(text)
    assert parse_software_list(format_software_list(items)) == items


def test_an_empty_version_keeps_its_slot_before_a_cpe():
    items = parse_software_list("F5 | BIG-IP |  | cpe:2.3:h:f5:big-ip:-:*:*:*:*:*:*:*")
    assert items[0].version == "" and items[0].cpe.startswith("cpe:2.3:h:f5")
    assert format_software_list(items) == "F5 | BIG-IP |  | cpe:2.3:h:f5:big-ip:-:*:*:*:*:*:*:*"
