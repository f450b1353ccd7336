"""Job handlers of the registry (imports); registered when the app is ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.constituency.importing import JOB_KIND, ImportFailed, run_import
from canhgac.core.jobs import JobContext, JobError, register

LOGGED_ERRORS = 20


@register(JOB_KIND, gettext_lazy("Registry import"))
def import_registry_file(context: JobContext) -> dict[str, Any]:
    """Run an uploaded file's import; a refused file fails the job with every bad row as its result."""
    kind, dry_run = context.params["kind"], bool(context.params.get("dry_run"))
    try:
        report = run_import(kind, context.input_name, context.input_bytes(), progress=context.progress,
                            dry_run=dry_run)
    except ImportFailed as failure:
        for error in failure.errors[:LOGGED_ERRORS]:
            context.log(_("row %(row)s, column “%(column)s”: %(message)s")
                        % {"row": error.row if error.row is not None else "-", "column": error.column,
                           "message": error.message})
        raise JobError(str(failure), result=failure.as_dict()) from failure
    if dry_run:
        context.log(_("Dry run: the file is valid; nothing was written. %(total)d rows: %(created)d would be "
                      "created, %(updated)d updated, %(unchanged)d unchanged.") % report.as_dict())
        return {**report.as_dict(), "dry_run": True}
    context.log(_("%(total)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % report.as_dict())
    return report.as_dict()
