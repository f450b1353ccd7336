"""The feeds' jobs (registered when the app is ready): importing a file (one batch, with progress and a summary),
pulling a source (scheduled or "pull now": fetch, then the import job), and sending a batch's warnings."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.jobs import JobContext, JobError, register
from canhgac.intel.models import FeedBatch
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services import JOB_KIND, BatchFile, ensure_source, file_digest, ingest_feed
from canhgac.intel.services.pulling import PULL_JOB, describe_outcome, run_queued_pull
from canhgac.intel.warnings import JOB_KIND as WARNINGS_JOB
from canhgac.intel.warnings import send_warnings, warn_if_automatic


@register(JOB_KIND, gettext_lazy("Feed import"))
def import_feed_file(context: JobContext) -> dict[str, Any]:
    """Read, match and store the job's file; a refused file fails the job and stores nothing."""
    params = context.params
    content = context.input_bytes()
    received = BatchFile(context.input_name, len(content), file_digest(content), params.get("reference", ""),
                         params["period"])
    source = ensure_source(params["source"])
    try:
        outcome = ingest_feed(io.BytesIO(content), received, source, format_name=params.get("format") or None,
                              columns=params.get("columns") or None, user=context.job.created_by,
                              job_id=context.job.pk, progress=context.progress)
    except FeedRefused as refusal:
        context.log(str(refusal))
        raise JobError(str(refusal), result={"error": str(refusal), **refusal.details}) from refusal
    summary = outcome.as_dict()
    if outcome.duplicate:
        context.log(_("This file was already imported as batch #%(batch)d; nothing was counted twice.") % summary)
    else:
        context.log(_("Batch #%(batch)d (%(format)s): %(lines)d lines, %(valid)d valid, %(invalid)d invalid, "
                      "%(duplicates)d duplicates; %(matched)d in the province (%(units_affected)d units), "
                      "%(outside)d outside.") % summary)
        context.log(_("Findings: %(opened)d opened, %(refreshed)d still listed, %(reopened)d reopened, %(verified)d "
                      "fixes verified.") % summary["findings"])
        context.log(_("Read and matched in %(read).1f s, stored in %(store).1f s.") % outcome.seconds)
    warned = warn_if_automatic(outcome.batch)  # a duplicate too: a run that stopped before warning is completed
    if warned is not None:
        summary["warnings"] = warned.counts()
        context.log(_("Warnings sent at once (the source's setting): %(created)d units, %(emails)d e-mails.")
                    % summary["warnings"])
    return summary


@register(WARNINGS_JOB, gettext_lazy("Feed batch warnings"))
def send_batch_warnings(context: JobContext) -> dict[str, Any]:
    """Warn the batch's units not warned yet (one notice each; the e-mail leaves at the sender's next run)."""
    batch = FeedBatch.objects.select_related("source").get(pk=context.params["batch"])
    counts = send_warnings(batch, progress=context.progress).counts()
    context.log(_("Warnings prepared for %(created)d units (%(emails)d e-mails); %(already_notified)d were already "
                  "warned; %(do_not_notify)d asked not to be e-mailed, %(no_recipients)d have nobody to e-mail.")
                % counts)
    return {"batch": batch.pk, **counts}


@register(PULL_JOB, gettext_lazy("Feed pull"))
def pull_feed_source(context: JobContext) -> dict[str, Any]:
    """Fetch the source under the claim taken when the job was queued; its import runs as a job of its own."""
    outcome = run_queued_pull(context.params["source"], context.params["claimed_at"], context.job.created_by)
    context.log(describe_outcome(outcome))
    if outcome.state in ("failed", "busy"):
        raise JobError(outcome.error, result=outcome.as_dict())
    return outcome.as_dict()
