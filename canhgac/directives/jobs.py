"""Sending a directive as a recorded job: the letter is rendered and a thousand units notified in the background,
with progress; the console and the API start it with :func:`start_distribution`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.access import CHANGE, may
from canhgac.core.jobs import JobContext, JobError, register, submit
from canhgac.core.models import Channel, Job
from canhgac.directives.models import Directive, DirectiveState
from canhgac.directives.services.distributing import distribute_directive

JOB_KIND = "directives.distribute"


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


def start_distribution(directive: Directive, user: Any, channel: str = Channel.UI) -> Job:
    """Queue the sending; refused for anyone but the SOC, and for a directive already being sent."""
    if not may(user, CHANGE, Directive):
        raise PermissionDenied(_("Only the SOC sends directives."))
    with transaction.atomic():
        claimed = Directive.objects.filter(pk=directive.pk, state=DirectiveState.DRAFT).update(
            state=DirectiveState.DISTRIBUTING)
        if not claimed:
            raise ValidationError(_("The directive was already sent (or is being sent)."))
        title = _("Send directive %(number)s") % {"number": directive.number or f"#{directive.pk}"}
        return submit(JOB_KIND, user, {"directive": directive.pk}, title=title, channel=channel)
