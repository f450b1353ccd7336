"""The holiday template gives each recipient group the tasks the Department always asks; the plan text the SOC
edits is read back exactly, and a wrong line is refused with its number."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.seeding import seed_national_bodies
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.directives.models import DirectiveTask
from canhgac.directives.planning import PlanError, format_plan, parse_plan
from canhgac.directives.services import create_directive, preset_fields, resolve_recipients

STATE_BODY_TASKS = ["Trực 24/7", "Rà soát mã độc", "Khắc phục lỗ hổng", "Tuyên truyền, nâng cao nhận thức",
                    "Kiểm tra cổng thông tin", "Phương án ứng cứu sự cố", "Duy trì kết nối giám sát",
                    "Đầu mối liên hệ"]
PROVIDER_TASKS = ["Trực 24/7", "Xử lý IP botnet", "Khắc phục lỗ hổng", "Phương án ứng cứu sự cố",
                  "Duy trì kết nối giám sát", "Đầu mối liên hệ"]


@pytest.fixture
def holiday(body):  # type: ignore[no-untyped-def]
    seed_national_bodies()
    fields = preset_fields("holiday")
    groups, contacts = fields.pop("groups"), fields.pop("contacts")
    fields.update(number="125/SKHCN-CNTT", report_deadline=timezone.now() + datetime.timedelta(days=7))
    return create_directive(UserFactory(role=Role.SOC_ANALYST), fields, groups, contacts)


def titles(task_ids: list[int]) -> list[str]:
    names = dict(DirectiveTask.objects.filter(pk__in=task_ids).values_list("pk", "title"))
    return [names[pk] for pk in task_ids]


@pytest.mark.django_db
def test_the_holiday_template_gives_each_group_its_tasks(holiday) -> None:  # type: ignore[no-untyped-def]
    department = UnitFactory(kind="department")
    commune = UnitFactory(kind="commune")
    hospital = UnitFactory(kind="hospital")
    telecom = UnitFactory(kind="telecom")
    provider = UnitFactory(kind="it_provider")
    closed = UnitFactory(kind="department", active=False)

    plan = resolve_recipients(holiday)

    for unit in (department, commune, hospital):
        assert titles(plan[unit.pk]) == STATE_BODY_TASKS
    for unit in (telecom, provider):
        assert titles(plan[unit.pk]) == PROVIDER_TASKS
    assert closed.pk not in plan
    malware = DirectiveTask.objects.get(directive=holiday, group__position=1, title="Rà soát mã độc")
    assert "botnet" in malware.text and "ưu tiên xử lý trước" in malware.text
    assert holiday.contacts.count() == 5  # the national bodies and the provincial team, as seeded
    assert "{reference}" in holiday.opening  # filled in when the letter is made, from the directive's fields


@pytest.mark.django_db
def test_a_unit_named_and_its_subunits_join_a_group(body) -> None:  # type: ignore[no-untyped-def]
    parent = UnitFactory(code="UBND-H1", kind="district")
    child = UnitFactory(code="UBND-X1", kind="commune", parent=parent)
    UnitFactory(kind="commune")
    groups = parse_plan("## UBND huyện H1 và các xã\nunits: UBND-H1\nsubunits: yes\n- Trực | Trực 24/7.\n"
                        "## Các sở\nkinds: department\n- Rà soát | Rà soát mã độc.\n")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "subject": "thử", "report_deadline": timezone.now()}, groups)
    plan = resolve_recipients(directive)
    assert set(plan) == {parent.pk, child.pk}
    assert titles(plan[child.pk]) == ["Trực"]


@pytest.mark.django_db
def test_the_plan_text_reads_back_what_it_wrote(holiday) -> None:  # type: ignore[no-untyped-def]
    groups = preset_fields("holiday")["groups"]
    assert parse_plan(format_plan(groups)) == groups


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "problem"), [
    ("- Trực | Trực 24/7", "Line 1: start with a group"),
    ("## Nhóm\nkinds: department, spaceship\n- A | B", "Line 2: unknown unit kind spaceship"),
    ("## Nhóm\nunits: KHONG-CO\n- A | B", "Line 2: no unit has the code KHONG-CO"),
    ("## Nhóm\nkinds: department\n- chỉ có tiêu đề", "Line 3: a task is"),
    ("## Nhóm\nkinds: department\nsubunits: maybe\n- A | B", "Line 3: “subunits:” is yes or no"),
    ("## Nhóm\nkinds: department\n", "has no task"),
    ("## Nhóm\n- A | B", "names no unit kind and no unit"),
    ("", "at least one recipient group"),
    ("##\n", "Line 1: a group needs a label"),
    ("## Nhóm\nkinds: department\n- A | " + "x" * 5000, "Line 3: a task's title has at most"),
    ("## Nhóm\nrm -rf /: yes\n- A | B", "Line 2: expected"),
])
def test_a_wrong_plan_is_refused_naming_its_line(text: str, problem: str, english) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanError) as refused:
        parse_plan(text)
    assert any(problem in message for message in refused.value.messages), refused.value.messages
