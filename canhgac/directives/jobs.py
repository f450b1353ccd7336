"""Sending a directive as a recorded job: the letter is rendered and a thousand units notified in the background,
with progress; the console and the API start it with :func:`start_distribution`."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.access import CHANGE, may
from canhgac.core.jobs import JobContext, JobError, register, submit
from canhgac.core.models import Channel, Job, JobState
from canhgac.directives.models import Directive, DirectiveState
from canhgac.directives.services.distributing import distribute_directive

JOB_KIND = "directives.distribute"
STALE_AFTER = datetime.timedelta(minutes=30)
"""A sending job neither finished nor failed this long after it started (or was queued) died with its process:
sending a thousand units takes about a minute, so it is no longer running."""


@register(JOB_KIND, gettext_lazy("Send a directive"))
def run_distribution(context: JobContext) -> dict[str, Any]:
    directive = Directive.objects.filter(pk=context.params.get("directive")).first()
    if directive is None:
        raise JobError(_("The directive no longer exists."))
    try:
        return distribute_directive(directive, context.progress, context.log)
    except BaseException as error:
        # Sending again is safe (copies and notices already made are kept): let the SOC retry.
        Directive.objects.filter(pk=directive.pk, state=DirectiveState.DISTRIBUTING).update(
            state=DirectiveState.DRAFT)
        if isinstance(error, ValueError):
            raise JobError(str(error)) from error
        raise


def sending_job(directive: Directive) -> Job | None:
    """The latest job that sent (or is sending) ``directive``."""
    return (Job.objects.filter(kind=JOB_KIND, params__directive=directive.pk)
            .order_by("-created_at", "-pk").first())


def sending_is_stuck(directive: Directive, now: datetime.datetime | None = None) -> bool:
    """Whether a directive left "being sent" may be sent again: its job failed, succeeded without finishing the
    directive, is gone, or is stale (the server stopped while it ran)."""
    if directive.state != DirectiveState.DISTRIBUTING:
        return False
    job = sending_job(directive)
    if job is None or job.is_finished:
        return True
    return (now or timezone.now()) - (job.started_at or job.created_at) > STALE_AFTER


def _claim(directive: Directive) -> bool:
    """Take the directive for a new sending: a draft, or one whose sending is stuck (its stale job is closed)."""
    locked = Directive.objects.select_for_update().filter(pk=directive.pk).first()
    if locked is None:
        return False
    if locked.state == DirectiveState.DRAFT:
        return bool(Directive.objects.filter(pk=directive.pk, state=DirectiveState.DRAFT).update(
            state=DirectiveState.DISTRIBUTING))
    if not sending_is_stuck(locked):
        return False
    stale = sending_job(locked)
    if stale is not None and not stale.is_finished:
        Job.objects.filter(pk=stale.pk, state__in=(JobState.QUEUED, JobState.RUNNING)).update(
            state=JobState.FAILED, finished_at=timezone.now(),
            error=_("Stopped without finishing (the server stopped?): the directive was sent again."))
    return True


def start_distribution(directive: Directive, user: Any, channel: str = Channel.UI) -> Job:
    """Queue the sending; refused for anyone but the SOC, and for a directive sent or being sent — unless that
    sending is stuck (:func:`sending_is_stuck`): sending again makes no copy or notice twice."""
    if not may(user, CHANGE, Directive):
        raise PermissionDenied(_("Only the SOC sends directives."))
    with transaction.atomic():
        if not _claim(directive):
            raise ValidationError(_("The directive was already sent (or is being sent)."))
        title = _("Send directive %(number)s") % {"number": directive.number or f"#{directive.pk}"}
        return submit(JOB_KIND, user, {"directive": directive.pk}, title=title, channel=channel)
