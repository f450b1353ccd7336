"""The advisories' jobs (registered when the app is ready): importing a file, and matching (all, or some assets).

A periodic task runs the full matching when the inventory or the alias table changed since the last one: the safety
net for changes no signal reports (bulk imports of assets write their software without per-row signals).
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.advisories.models import ProductAlias
from canhgac.advisories.reading import AdvisoryFileRefused
from canhgac.advisories.services import (
    IMPORT_JOB,
    MATCH_JOB,
    Letter,
    ingest_advisories,
    match_all,
    match_assets,
    parse_day,
    received_file,
)
from canhgac.constituency.models import Software
from canhgac.core import jobs
from canhgac.core.jobs import JobContext, JobError, register
from canhgac.core.models import Job, JobState


@register(IMPORT_JOB, gettext_lazy("Advisory import"))
def import_file(context: JobContext) -> dict[str, Any]:
    """Read, store and match the job's file; a refused file fails the job and stores nothing."""
    params = context.params
    content = context.input_bytes()
    letter = Letter(params.get("reference", ""), parse_day(params.get("reference_date", "")),
                    parse_day(params.get("deadline", "")))
    received = received_file(content, context.input_name, letter)
    try:
        outcome = ingest_advisories(io.BytesIO(content), received, format_name=params.get("format") or None,
                                    user=context.job.created_by, job_id=context.job.pk, progress=context.progress)
    except AdvisoryFileRefused as refusal:
        context.log(str(refusal))
        raise JobError(str(refusal), result={"error": str(refusal), **refusal.details}) from refusal
    summary = outcome.as_dict()
    if outcome.duplicate:
        context.log(_("This file was already imported with this letter as batch #%(batch)d; nothing changed.")
                    % summary)
        return summary
    context.log(_("Batch #%(batch)d (%(format)s): %(records)d records, %(created)d new, %(updated)d changed, "
                  "%(unchanged)d unchanged; %(needs_review)d need a SOC entry.") % summary)
    matching = summary["matching"]
    if matching:
        context.log(_("Matching: %(exposures)d exposures in %(units_affected)d units; findings %(opened)d opened, "
                      "%(reopened)d reopened, %(resolved)d resolved.") % matching)
    return summary


@register(MATCH_JOB, gettext_lazy("Advisory matching"))
def match_job(context: JobContext) -> dict[str, Any]:
    asset_ids = context.params.get("assets")
    summary = match_assets(asset_ids, context.progress) if asset_ids else match_all(context.progress)
    result = {**summary.as_dict(), "inventory": inventory_fingerprint()}
    context.log(_("%(exposures)d exposures in %(units_affected)d units (%(new)d new, %(changed)d changed, %(gone)d "
                  "gone); findings %(opened)d opened, %(reopened)d reopened, %(resolved)d resolved, %(verified)d "
                  "verified.") % result)
    return result


def inventory_fingerprint() -> list[Any]:
    """What a full matching depends on besides the advisories: the software rows and the alias table."""
    software = Software.objects.aggregate(count=Count("id"), last=Max("id"))
    aliases = ProductAlias.objects.aggregate(count=Count("id"), last=Max("id"))
    return [software["count"], software["last"], aliases["count"], aliases["last"]]


def match_if_inventory_changed() -> Job | None:
    """The periodic task: a full matching job when the inventory changed since the last full matching."""
    last = Job.objects.filter(kind=MATCH_JOB, state=JobState.SUCCEEDED, params__assets__isnull=True).order_by(
        "-finished_at").values_list("result", flat=True).first()
    busy = Job.objects.filter(kind=MATCH_JOB, state__in=[JobState.QUEUED, JobState.RUNNING]).exists()
    if busy or (last and last.get("inventory") == inventory_fingerprint()):
        return None
    return jobs.submit(MATCH_JOB, None, {}, title=str(_("Match advisories with the inventory")))

