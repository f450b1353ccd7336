"""The SOC's page of feed sources: where each list comes from, how often it is pulled, how the last pull went and
when the next is due; sources are added and changed here (``services/pulling.save_source`` checks and audits
them), switched on and off, and pulled at once ("pull now" queues the pull job and shows its page).

SOC staff change sources; auditors read the page; unit officers never see it (a source concerns every unit).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.constituency.ui.editing import attach_errors
from canhgac.core.access import CHANGE, may
from canhgac.core.models import Job
from canhgac.core.scoping import get_scoped_or_404
from canhgac.core.ui.forms import ConsoleModelForm
from canhgac.core.ui.views import ConsoleView, ScopedListView
from canhgac.intel.models import FeedSource
from canhgac.intel.parsers import parsers
from canhgac.intel.services.mispfeed import MISP_FEED
from canhgac.intel.services.pulling import PULL_JOB, interval_text, next_due, parse_interval, queue_pull, save_source


class IntervalField(forms.Field):
    """A pull interval as people write it: ``30m``, ``6h``, ``1d``, ``1w``."""

    def prepare_value(self, value: Any) -> Any:
        return interval_text(value) if isinstance(value, datetime.timedelta) else value

    def to_python(self, value: Any) -> datetime.timedelta | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_interval(text)
        except ValueError as error:
            raise ValidationError(_("Write the interval as a number and m, h, d or w: 30m, 6h, 1d, 1w.")) from error


def format_choices() -> list[tuple[str, str]]:
    return [("", _("Recognised from the content")), (MISP_FEED, _("MISP feed (manifest and events)")),
            *[(name, name) for name in sorted(parsers())]]


class FeedSourceForm(ConsoleModelForm):
    url = forms.URLField(label=gettext_lazy("URL"), required=False, max_length=500, assume_scheme="https",
                         help_text=FeedSource._meta.get_field("url").help_text)
    pull_every = IntervalField(label=gettext_lazy("pull interval"), widget=forms.TextInput(attrs={"maxlength": 8}),
                               help_text=gettext_lazy("30m, 6h, 1d or 1w: at least every 31 days, at most every "
                                                      "15 minutes."))
    pull_format = forms.ChoiceField(label=gettext_lazy("format"), required=False, choices=format_choices)

    class Meta:
        model = FeedSource
        fields = ["name", "label", "category", "severity", "url", "pull_format", "pull_every", "pull_enabled",
                  "allow_http", "auto_warn", "active", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].disabled = True  # batches and the CLI name the source: it is not renamed


class SourceListView(ScopedListView):
    model = FeedSource  # type: ignore[misc]
    template_name = "intel/source_list.html"
    page_title = gettext_lazy("Feed sources")
    sortable = {"name": "name", "pulled": "pulled_at"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sources = list(context["object_list"])
        describe(sources, timezone.now())
        may_change = may(self.request.user, CHANGE, FeedSource)
        context.update(object_list=sources, may_change=may_change, add_label=_("Add a source"),
                       create_url=reverse("intel:source_create") if may_change else "")
        return context


def describe(sources: Iterable[FeedSource], now: datetime.datetime) -> None:
    """What the rows show besides the fields: whether the schedule pulls it, when next, and the last pull job."""
    sources = list(sources)
    jobs = last_pull_jobs([source.pk for source in sources])
    for source in sources:
        source.scheduled = bool(source.pull_enabled and source.active and source.url)  # type: ignore[attr-defined]
        due = next_due(source)
        source.due_now = due is None or due <= now  # type: ignore[attr-defined]
        source.due_at = due  # type: ignore[attr-defined]
        source.last_job = jobs.get(source.pk)  # type: ignore[attr-defined]
        source.every_text = interval_text(source.pull_every)  # type: ignore[attr-defined]


def last_pull_jobs(source_ids: list[int]) -> dict[int, int]:
    """Source id → the id of its latest pull job (one query for the page)."""
    rows: QuerySet[Any] = (Job.objects.filter(kind=PULL_JOB, params__source__in=source_ids)
                           .values("params__source").annotate(last=Max("pk")).order_by())
    return {int(row["params__source"]): row["last"] for row in rows}


class SourceFormView(ConsoleView, View):
    model = FeedSource
    required_action = CHANGE
    template_name = "intel/source_form.html"

    def get_source(self, pk: int | None) -> FeedSource:
        return get_scoped_or_404(FeedSource.objects.all(), self.request.user, pk=pk) if pk else FeedSource()

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        return self.page(request, FeedSourceForm(instance=self.get_source(pk)))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        form = FeedSourceForm(request.POST, instance=self.get_source(pk))
        if form.is_valid():
            try:
                source = save_source(form.instance)
            except ValidationError as refusal:
                attach_errors(form, refusal)
            else:
                messages.success(request, _("Source %(name)s saved.") % {"name": source.name})
                return HttpResponseRedirect(reverse("intel:source_list"))
        return self.page(request, form)

    def page(self, request: HttpRequest, form: FeedSourceForm) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "source": form.instance})


class SourceToggleView(ConsoleView, View):
    """Switch the scheduled pulls of a source on or off (POST ``enabled=1|0``)."""

    model = FeedSource
    required_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        source = get_scoped_or_404(FeedSource.objects.all(), request.user, pk=pk)
        source.pull_enabled = request.POST.get("enabled") == "1"
        try:
            save_source(source)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, (_("%(name)s is pulled on schedule.") if source.pull_enabled
                                       else _("%(name)s is no longer pulled on schedule.")) % {"name": source.name})
        return HttpResponseRedirect(reverse("intel:source_list"))


class SourcePullView(ConsoleView, View):
    """Pull a source now, due or not: the pull runs as a job, whose page the browser follows."""

    model = FeedSource
    required_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        source = get_scoped_or_404(FeedSource.objects.all(), request.user, pk=pk)
        outcome = queue_pull(source, user=request.user)
        if outcome.job is None:
            messages.error(request, outcome.error)
            return HttpResponseRedirect(reverse("intel:source_list"))
        return HttpResponseRedirect(reverse("core:job_detail", args=[outcome.job]))
