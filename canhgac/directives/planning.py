"""Recipient groups and their tasks as plain data, written and read as the console's plan text, and the shipped
templates (presets) that fill a new directive in.

The plan text is what the SOC edits on the console (a template's plan, or its own)::

    ## Các sở, ban, ngành
    kinds: department, district
    units: SO-YT, BV-DK
    subunits: yes
    - Trực 24/7 | Bố trí cán bộ trực 24/7 …

A ``##`` line opens a group (its label as the letter names it); ``kinds``, ``units`` and ``subunits`` say who is
in it; each ``-`` line is a task, its short title before ``|`` and its text after. A wrong line is refused with
its number and why; nothing is saved from a plan with any wrong line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.constituency.models import Unit, UnitKind
from canhgac.letters.content import nfc

DATA = Path(__file__).resolve().parent / "data"
TITLE_MAX = 120
LABEL_MAX = 255
TEXT_MAX = 4000
GROUPS_MAX = 20
TASKS_MAX = 40
PLAN_MAX = 100_000
YES = {"yes", "có", "co", "true", "1"}
NO = {"no", "không", "khong", "false", "0"}


@dataclass
class TaskSpec:
    title: str
    text: str


@dataclass
class GroupSpec:
    label: str
    unit_kinds: list[str] = field(default_factory=list)
    unit_codes: list[str] = field(default_factory=list)
    include_subunits: bool = False
    tasks: list[TaskSpec] = field(default_factory=list)


class PlanError(ValidationError):
    """A refused plan: every wrong line, each with its number."""


def parse_plan(text: str) -> list[GroupSpec]:
    if len(text) > PLAN_MAX:
        raise PlanError(_("The plan is too long (at most %(limit)d characters).") % {"limit": PLAN_MAX})
    groups: list[GroupSpec] = []
    errors: list[str] = []
    for number, raw in enumerate(nfc(text).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        problem = _read_line(line, groups)
        if problem:
            errors.append(_("Line %(line)d: %(problem)s") % {"line": number, "problem": problem})
    errors += check_groups(groups)
    if errors:
        raise PlanError(errors)
    return groups


def _read_line(line: str, groups: list[GroupSpec]) -> str:
    """Apply one line to ``groups``; what is wrong with it, or ""."""
    if line.startswith("##"):
        label = line.lstrip("#").strip()
        if not label or len(label) > LABEL_MAX:
            return _("a group needs a label of 1–%(limit)d characters after “##”.") % {"limit": LABEL_MAX}
        groups.append(GroupSpec(label))
        return ""
    if not groups:
        return _("start with a group: a line “## label”.")
    group = groups[-1]
    if line.startswith("-"):
        return _read_task(line[1:].strip(), group)
    key, colon, value = line.partition(":")
    key = key.strip().lower()
    if not colon or key not in ("kinds", "units", "subunits"):
        return _("expected “## group”, “- title | text”, “kinds:”, “units:” or “subunits:”.")
    return _read_setting(key, value.strip(), group)


def _read_task(body: str, group: GroupSpec) -> str:
    title, bar, text = body.partition("|")
    title, text = title.strip(), text.strip()
    if not bar or not title or not text:
        return _("a task is “- short title | text of the task”.")
    if len(title) > TITLE_MAX or len(text) > TEXT_MAX:
        return _("a task's title has at most %(title)d characters and its text %(text)d.") % {
            "title": TITLE_MAX, "text": TEXT_MAX}
    group.tasks.append(TaskSpec(title, text))
    return ""


def _read_setting(key: str, value: str, group: GroupSpec) -> str:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if key == "kinds":
        unknown = [item for item in items if item not in UnitKind.values]
        if unknown:
            return _("unknown unit kind %(kinds)s; use %(known)s.") % {
                "kinds": ", ".join(unknown), "known": ", ".join(UnitKind.values)}
        group.unit_kinds = list(dict.fromkeys(items))
    elif key == "units":
        known = set(Unit.objects.filter(code__in=items).values_list("code", flat=True))
        unknown = [item for item in items if item not in known]
        if unknown:
            return _("no unit has the code %(codes)s.") % {"codes": ", ".join(unknown[:10])}
        group.unit_codes = list(dict.fromkeys(items))
    elif value.lower() in YES | NO:
        group.include_subunits = value.lower() in YES
    else:
        return _("“subunits:” is yes or no.")
    return ""


def check_groups(groups: list[GroupSpec]) -> list[str]:
    """What is wrong with the plan as a whole (also asked of plans that come from the API)."""
    errors = []
    if not groups:
        errors.append(_("A directive needs at least one recipient group with its tasks."))
    if len(groups) > GROUPS_MAX:
        errors.append(_("At most %(limit)d recipient groups.") % {"limit": GROUPS_MAX})
    for group in groups:
        if not group.unit_kinds and not group.unit_codes:
            errors.append(_("Group “%(label)s” names no unit kind and no unit: nobody would receive it.")
                          % {"label": group.label})
        if not group.tasks:
            errors.append(_("Group “%(label)s” has no task.") % {"label": group.label})
        if len(group.tasks) > TASKS_MAX:
            errors.append(_("Group “%(label)s” has more than %(limit)d tasks.")
                          % {"label": group.label, "limit": TASKS_MAX})
    return errors


def format_plan(groups: list[GroupSpec]) -> str:
    lines: list[str] = []
    for group in groups:
        lines.append(f"## {group.label}")
        if group.unit_kinds:
            lines.append(f"kinds: {', '.join(group.unit_kinds)}")
        if group.unit_codes:
            lines.append(f"units: {', '.join(group.unit_codes)}")
        if group.include_subunits:
            lines.append("subunits: yes")
        lines += [f"- {task.title} | {task.text}" for task in group.tasks]
        lines.append("")
    return "\n".join(lines).strip() + "\n"


@dataclass(frozen=True)
class Preset:
    """A shipped directive template: its letter text and its groups with their tasks (Vietnamese data)."""

    name: str
    label: Any
    data: dict[str, Any]

    def groups(self) -> list[GroupSpec]:
        return [GroupSpec(group["label"], list(group.get("unit_kinds", [])), list(group.get("units", [])),
                          bool(group.get("include_subunits")),
                          [TaskSpec(task["title"], task["text"]) for task in group["tasks"]])
                for group in self.data["groups"]]


_PRESETS: dict[str, tuple[str, Any]] = {}


def register_preset(name: str, filename: str, label: Any) -> None:
    if name in _PRESETS:
        raise ValueError(f"directive template {name!r} is already registered")
    _PRESETS[name] = (filename, label)


register_preset("holiday", "holiday.json", gettext_lazy("Holiday: information security during the holiday"))


def preset_choices() -> list[tuple[str, Any]]:
    return [(name, label) for name, (_file, label) in _PRESETS.items()]


@cache
def _read(filename: str) -> dict[str, Any]:
    return json.loads((DATA / filename).read_text(encoding="utf-8"))


def preset(name: str) -> Preset:
    if name not in _PRESETS:
        raise ValidationError(_("There is no directive template “%(name)s”.") % {"name": str(name)[:60]})
    filename, label = _PRESETS[name]
    return Preset(name, label, _read(filename))
