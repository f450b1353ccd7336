"""``canhgac jobs``: recent background jobs; ``jobs show ID --follow`` draws a job's progress until it ends."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from canhgac.core.management.base import CanhgacCommand, follow_job, print_table
from canhgac.core.models import Job, JobState


def job_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk, "kind": job.kind, "title": job.title, "state": job.state, "channel": job.channel,
        "created_by": job.created_by.get_username() if job.created_by else None,
        "progress_done": job.progress_done, "progress_total": job.progress_total, "percent": job.percent,
        "created_at": job.created_at.isoformat(), "started_at": job.started_at and job.started_at.isoformat(),
        "finished_at": job.finished_at and job.finished_at.isoformat(), "error": job.error,
    }


class Command(CanhgacCommand):
    help = _("List recent background jobs, or show one (`jobs show ID [--follow]`).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help=_("print as JSON"))
        parser.add_argument("--state", choices=JobState.values, help=_("only jobs in this state"))
        parser.add_argument("--limit", type=int, default=20, help=_("how many (default 20)"))
        actions = parser.add_subparsers(dest="action", metavar="show")
        show = actions.add_parser("show", help=_("one job with its log and result"))
        show.add_argument("job_id", type=int, metavar="ID")
        show.add_argument("--follow", action="store_true", help=_("draw a progress bar until the job ends"))
        show.add_argument("--json", action="store_true", help=_("print as JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") == "show":
            self.show(options["job_id"], options["follow"], options["json"])
        else:
            self.list(options["state"], max(1, options["limit"]), options["json"])

    def list(self, state: str | None, limit: int, as_json: bool) -> None:
        jobs = Job.objects.select_related("created_by")
        if state:
            jobs = jobs.filter(state=state)
        found = list(jobs[:limit])
        if as_json:
            self.print_json([job_dict(job) for job in found])
            return
        rows = [[job.pk, job.state, f"{job.percent}%", job.channel, job.created_by or "-",
                 f"{job.created_at:%Y-%m-%d %H:%M}", job.title] for job in found]
        print_table(self.stdout.write, ["id", _("state"), _("done"), _("channel"), _("by"), _("created"),
                                        _("title")], rows)

    def show(self, job_id: int, follow: bool, as_json: bool) -> None:
        job = Job.objects.select_related("created_by").filter(pk=job_id).first()
        if job is None:
            raise CommandError(_("There is no job #%(id)d.") % {"id": job_id})
        if follow:
            job = follow_job(job)
        if as_json:
            self.print_json({**job_dict(job), "log": job.log, "result": job.result})
        else:
            self.describe(job)
        if job.state == JobState.FAILED:
            raise CommandError(_("Job #%(id)d failed: %(error)s") % {"id": job.pk, "error": job.error})

    def describe(self, job: Job) -> None:
        for label, value in [("id", job.pk), (_("title"), job.title), (_("kind"), job.kind),
                             (_("state"), job.state), (_("progress"), f"{job.progress_done}/{job.progress_total}"),
                             (_("channel"), job.channel), (_("by"), job.created_by or "-"),
                             (_("created"), job.created_at), (_("finished"), job.finished_at or "-")]:
            self.stdout.write(f"{label}: {value}")
        if job.log:
            self.stdout.write(_("log:") + "\n" + job.log.rstrip())
        if job.result:
            self.stdout.write(_("result: %(result)s") % {"result": job.result})
