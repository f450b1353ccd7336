"""Console pages of background jobs: the list and a detail page that follows a running job.

Both read through :func:`canhgac.core.jobs.visible_jobs`, the scope the API uses too: a unit officer follows
only the jobs they started and gets a 404 for anyone else's. While a job runs, its status block re-fetches
itself every second (htmx); the block a finished job answers with carries no trigger, so the polling stops.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import select_template
from django.utils.translation import gettext_lazy as _

from canhgac.core.access import may_view_audit, role_of
from canhgac.core.jobs import registered_kinds, visible_jobs
from canhgac.core.models import Channel, Job, JobInput, JobState
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView

GENERIC_RESULT_TEMPLATE = "core/jobs/_result.html"


def _kind_choices() -> list[tuple[str, Any]]:
    return sorted(registered_kinds().items(), key=lambda item: str(item[1]))


class JobFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=JobState.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=_kind_choices)
    channel = django_filters.ChoiceFilter(label=_("Started from"), choices=Channel.choices)

    class Meta:
        model = Job
        fields: list[str] = []


class JobAccess(ConsoleView):
    """Any signed-in user with a role; which jobs they see is :func:`visible_jobs`' business."""

    model = Job

    def is_allowed(self, user: Any) -> bool:
        return role_of(user) is not None


class JobListView(JobAccess, ScopedListView):  # type: ignore[misc]
    page_title = _("Jobs")
    table_id = "job-list"
    template_name = "core/jobs/job_list.html"
    filterset_class = JobFilterSet
    sortable: ClassVar[dict[str, str]] = {"created": "created_at", "finished": "finished_at", "state": "state",
                                          "title": "title"}

    def base_queryset(self) -> QuerySet[Job]:
        return visible_jobs(self.request.user).defer("log", "result", "params")

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.sortable else "-created"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = registered_kinds()
        for job in context["object_list"]:
            job.kind_label = labels.get(job.kind, job.kind)
        return context


class JobDetailView(JobAccess, ScopedDetailView):
    template_name = "core/jobs/job_detail.html"
    context_object_name = "job"

    def get_object(self, queryset: QuerySet | None = None) -> Job:
        return get_object_or_404(visible_jobs(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = self.object
        context.update(
            kind_label=registered_kinds().get(job.kind, job.kind),
            result_template=result_template_for(job.kind),
            # the file itself may be 100 MB: never load it to show its name
            job_input=JobInput.objects.filter(job=job).values("filename", "sha256").first(),
            may_view_audit=may_view_audit(self.request.user),
        )
        return context


class JobStatusView(JobDetailView):
    """The status block alone: what the detail page's htmx polling swaps in."""

    template_name = "core/jobs/_status.html"


def result_template_for(kind: str) -> str:
    """A job kind ``app.name`` may show its result with ``app/jobs/name_result.html``; others get a generic table."""
    app, _dot, name = kind.partition(".")
    names = [f"{app}/jobs/{name}_result.html"] if app.isidentifier() and name.isidentifier() else []
    return str(select_template([*names, GENERIC_RESULT_TEMPLATE]).template.name)
