"""Sending a directive: its groups resolved into units, one copy per unit with a report row per task, the letter
rendered once (DOCX, and PDF when LibreOffice is here), one notice per unit to its focal points (e-mail and the
console inbox) with the letter attached. Runs as a job (:mod:`canhgac.directives.jobs`); safe to run again: the
copies, reports and notices already made are kept as they are.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.constituency.models import Unit
from canhgac.constituency.querysets import unit_subtree_ids
from canhgac.core.audit import save_audited, snapshot
from canhgac.directives.models import (
    Directive,
    DirectiveState,
    DirectiveTask,
    Recipient,
    RecipientGroup,
    TaskReport,
)
from canhgac.directives.wording import letter_content, task_texts
from canhgac.letters.converting import ConversionError, to_pdf
from canhgac.letters.rendering import render_letter
from canhgac.notifications.content import Attachment, NoticeContent, SourceRef, console_link, render_notice
from canhgac.notifications.services import prepare_notices

logger = logging.getLogger(__name__)
NOTICE_KIND = "directive"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Progress = Callable[[int, int], None]


def resolve_recipients(directive: Directive) -> dict[int, list[int]]:
    """Active unit id → the ids of its tasks, in the letter's order (a unit in two groups gets both parts)."""
    tasks_by_group: dict[int, list[int]] = defaultdict(list)
    for task_id, group_id in DirectiveTask.objects.filter(directive=directive).order_by(
            "group__position", "position").values_list("pk", "group_id"):
        tasks_by_group[group_id].append(task_id)
    active = dict(Unit.objects.filter(active=True).values_list("pk", "kind"))
    found: dict[int, list[int]] = {}
    for group in RecipientGroup.objects.filter(directive=directive).prefetch_related("units").order_by("position"):
        chosen = {unit.pk for unit in group.units.all()}
        if group.include_subunits:
            chosen = set(unit_subtree_ids(chosen))
        members = {pk for pk, kind in active.items() if kind in group.unit_kinds} | (chosen & set(active))
        for unit_id in sorted(members):
            found.setdefault(unit_id, []).extend(tasks_by_group[group.pk])
    return found


def render_directive_letter(directive: Directive) -> tuple[bytes, bytes, str]:
    """DOCX, PDF (empty when it could not be made) and why not."""
    docx = render_letter(letter_content(directive))
    try:
        return docx, to_pdf(docx), ""
    except ConversionError as error:
        return docx, b"", str(error)


def file_stem(directive: Directive) -> str:
    number = directive.number.replace("/", "-") if directive.number else f"du-thao-{directive.pk}"
    return f"cong-van-{''.join(ch for ch in number if ch.isalnum() or ch in '-_.')}"


def make_copies(directive: Directive, plan: dict[int, list[int]]) -> int:
    """One copy per unit and one report row per task of its groups; rows already made stay as they are."""
    now = timezone.now()
    Recipient.objects.bulk_create([Recipient(directive=directive, unit_id=unit_id, created_at=now) for unit_id in plan],
                                  ignore_conflicts=True, batch_size=500)
    copies = dict(Recipient.objects.filter(directive=directive).values_list("unit_id", "pk"))
    TaskReport.objects.bulk_create(
        [TaskReport(recipient_id=copies[unit_id], task_id=task_id) for unit_id, tasks in plan.items()
         for task_id in dict.fromkeys(tasks)], ignore_conflicts=True, batch_size=1000)
    return len(copies)


def notice_contents(directive: Directive, plan: dict[int, list[int]],
                    attachments: tuple[Attachment, ...]) -> dict[int, NoticeContent]:
    """Each unit's notice: the directive and the unit's own tasks (units sharing the same tasks share one text)."""
    tasks = {task.pk: task for task in DirectiveTask.objects.filter(directive=directive).select_related("group")}
    texts = dict((task.pk, text) for task, text in task_texts(tasks.values(), directive))
    copies = dict(Recipient.objects.filter(directive=directive).values_list("unit_id", "pk"))
    rendered: dict[tuple[int, ...], NoticeContent] = {}
    contents = {}
    for unit_id, task_ids in plan.items():
        key = tuple(task_ids)
        if key not in rendered:
            rows = [{"label": tasks[pk].label, "title": tasks[pk].title, "text": texts[pk]} for pk in task_ids]
            rendered[key] = render_notice("directives/notices/directive",
                                          {"directive": directive, "tasks": rows, "link": "{link}"}, attachments)
        content = rendered[key]
        link = console_link("directives:recipient_detail", copies[unit_id])
        contents[unit_id] = NoticeContent(content.subject, content.body.replace("{link}", link),
                                          content.body_html.replace("{link}", link), content.attachments)
    return contents


def distribute_directive(directive: Directive, progress: Progress | None = None,
                         log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Send the directive to every unit of its groups; the figures of what was done."""
    tell = log or logger.info
    plan = resolve_recipients(directive)
    if not plan:
        raise ValueError(_("No active unit is in the directive's recipient groups: nobody would receive it."))
    total = len(plan) + 2
    step = progress or (lambda done, total: None)
    docx, pdf, why = render_directive_letter(directive)
    if why:
        tell(_("The letter goes as DOCX only: %(why)s") % {"why": why})
    step(1, total)
    with transaction.atomic():
        before = snapshot(directive)
        directive.letter_docx, directive.letter_pdf = docx, pdf
        directive.state = DirectiveState.DISTRIBUTING
        save_audited(directive, before)
        copies = make_copies(directive, plan)
    step(2, total)
    stem = file_stem(directive)
    attachments: tuple[Attachment, ...] = (Attachment(f"{stem}.docx", DOCX_TYPE, docx),)
    if pdf:
        attachments += (Attachment(f"{stem}.pdf", "application/pdf", pdf),)
    contents = notice_contents(directive, plan, attachments)
    prepared = prepare_notices(NOTICE_KIND, str(directive.pk), contents, source=SourceRef.of(directive))
    step(total, total)
    before = snapshot(directive)
    directive.state, directive.distributed_at = DirectiveState.SENT, directive.distributed_at or timezone.now()
    save_audited(directive, before)
    return {"units": copies, "tasks": sum(len(tasks) for tasks in plan.values()), "pdf": bool(pdf),
            **prepared.counts()}
