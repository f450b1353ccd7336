"""Lists imported through the real job for the console and API tests: the officer's unit (and its sub-unit), another
unit, addresses outside the province, an invalid line, a duplicate, and hostile family names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.intel.models import FeedBatch
from canhgac.intel.services import create_feed_job

HOSTILE_FAMILY = "<script>alert(1)</script>"
FORMULA_FAMILY = '=HYPERLINK("http://evil.example/","x")'

MARCH = f"""ip,malware,port
14.161.0.10,Mirai,23
14.161.0.11,"{HOSTILE_FAMILY}",80
14.161.1.20,Gafgyt,2323
14.162.0.30,"{FORMULA_FAMILY.replace('"', '""')}",443
14.162.0.31,Mirai,23
8.8.8.8,Mirai,53
14.161.0.10,Mirai,23
not-an-ip,Mirai,23
"""
"""Own unit: 2 addresses, own sub-unit: 1, other unit: 2, outside: 1; a duplicate; line 9 is invalid."""

APRIL = """ip,malware,port
14.161.0.10,Mirai,23
14.162.0.31,Mirai,23
14.162.0.32,Emotet,8080
"""
"""Still listed: 14.161.0.10 (own unit) and 14.162.0.31 (other unit); new: 14.162.0.32."""


def import_list(text: str | bytes, user: Any, period: str, name: str = "botnet.csv",
                source: str = "vncert-botnet", reference: str = "123/VNCERT-ĐPƯC", **options: Any) -> Job:
    content = text.encode() if isinstance(text, str) else text
    job = create_feed_job(content, source, reference, period, user, filename=name, **options)
    return jobs.execute(job.pk)


@dataclass
class Feeds:
    province: Any
    users: dict[Any, Any]
    march: FeedBatch
    april: FeedBatch
    portal: Asset


@pytest.fixture
def feeds(province: Any, users: dict[Any, Any]) -> Feeds:
    NetblockFactory(unit=province.own_unit, block="14.161.0.0/24")
    NetblockFactory(unit=province.own_subunit, block="14.161.1.0/24")
    NetblockFactory(unit=province.other_unit, block="14.162.0.0/24")
    portal = Asset(unit=province.own_unit, name="Cổng thông tin điện tử", role="web_portal",
                   ip_addresses="14.161.0.10")
    save_asset(portal, None, None)
    analyst = users[Role.SOC_ANALYST]
    march_job = import_list(MARCH, analyst, "2026-03", name="march.csv")
    april_job = import_list(APRIL, analyst, "2026-04", name="april.csv", reference="456/VNCERT-ĐPƯC")
    assert march_job.state == april_job.state == JobState.SUCCEEDED, (march_job.error, april_job.error)
    return Feeds(province, users, FeedBatch.objects.get(period="2026-03"), FeedBatch.objects.get(period="2026-04"),
                 portal)
