"""The matching job and the periodic task that runs it only when the inventory or the alias table changed."""

from __future__ import annotations

from typing import Any

import pytest

from canhgac.advisories.jobs import inventory_fingerprint, match_if_inventory_changed
from canhgac.advisories.services import MATCH_JOB
from canhgac.advisories.tests.helpers import host
from canhgac.core import jobs, schedule
from canhgac.core.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_the_periodic_task_is_registered() -> None:
    [task] = [task for task in schedule.registered() if task.name == "advisories.match"]
    assert task.func is match_if_inventory_changed


def test_a_full_matching_runs_only_when_the_inventory_changed(province: Any) -> None:
    host(province.own_unit, "app", ("VMware", "Spring Framework", "5.3.17"))
    first = match_if_inventory_changed()
    assert first is not None and match_if_inventory_changed() is None  # one is already waiting
    finished = jobs.execute(first.pk)
    assert finished.state == JobState.SUCCEEDED and finished.result["inventory"] == inventory_fingerprint()
    assert match_if_inventory_changed() is None  # nothing changed since
    host(province.own_unit, "db", ("Oracle", "MySQL", "8.0.35"))
    again = match_if_inventory_changed()
    assert again is not None and again.kind == MATCH_JOB and again.params == {}


def test_the_matching_job_for_some_assets(province: Any, users: Any) -> None:
    app = host(province.own_unit, "app", ("VMware", "Spring Framework", "5.3.17"))
    job = jobs.create(MATCH_JOB, users["soc_admin"], {"assets": [app.pk]})
    finished = jobs.execute(job.pk)
    assert (finished.state, finished.result["scope"]) == (JobState.SUCCEEDED, "assets")
    assert Job.objects.filter(kind=MATCH_JOB).count() == 1
