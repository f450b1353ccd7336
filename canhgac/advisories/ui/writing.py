"""Console pages that write (the SOC): importing files, a warning typed from a letter, a warning chosen from data,
and the notices of a warning to the units it hits.

Files and warnings go through the import job the API and the CLI use (``services.import_advisories``); the browser
is sent to the job's page, which follows it and shows its counts and the bad records it named. Notices go through
``notifications`` (``prepare_notices``): previewed first, written once the SOC confirms, never twice to a unit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from canhgac.advisories.models import AdvisoryBatch, Vulnerability
from canhgac.advisories.services import Letter, create_import_job
from canhgac.advisories.services.warnings import (
    MAX_CHOSEN,
    choose_vulnerabilities,
    submit_warning,
    warning_document,
    warning_notices,
)
from canhgac.advisories.ui.forms import FromDataForm, ImportForm, SelectionForm, WarningForm
from canhgac.advisories.ui.views import advisory_for
from canhgac.core import jobs
from canhgac.core.access import ADD
from canhgac.core.models import Channel
from canhgac.core.ui.views import ConsoleView
from canhgac.notifications.models import EmailSkipped
from canhgac.notifications.services import mail_configured

PREVIEW_ROWS = 100


class SocWriteView(ConsoleView, View):
    model = AdvisoryBatch
    required_action = ADD


class ImportView(SocWriteView):
    """Upload one or more files with the letter they came with: one import job per file."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form)
        data = form.cleaned_data
        letter = Letter(data["reference"].strip(), data["reference_date"], data["deadline"])
        with transaction.atomic():
            started = [create_import_job(upload, user=request.user, filename=upload.name or "advisories.json",
                                         format_name=data["format"], letter=letter, channel=Channel.UI)
                       for upload in data["files"]]
            for job in started:
                jobs.dispatch(job)
        if len(started) == 1:
            return HttpResponseRedirect(reverse("core:job_detail", args=[started[0].pk]))
        messages.success(request, _("%(count)d imports started; each file is imported whole or not at all.")
                         % {"count": len(started)})
        return HttpResponseRedirect(reverse("core:job_list") + "?kind=advisories.import")

    def page(self, request: HttpRequest, form: ImportForm) -> HttpResponse:
        return render(request, "advisories/import.html", {"form": form})


class WarningCreateView(SocWriteView):
    """A warning typed from a letter, stored by the SOC-warning import like a file of one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "advisories/warning_form.html", {"form": WarningForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = WarningForm(request.POST)
        if not form.is_valid():
            return render(request, "advisories/warning_form.html", {"form": form})
        job = submit_warning(form.document, request.user)
        return HttpResponseRedirect(reverse("core:job_detail", args=[job.pk]))


class FromDataView(SocWriteView):
    """A query of the data (GET: the matching vulnerabilities and their count), then one warning of them (POST)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        selection_form = SelectionForm(request.GET or None)
        return self.page(request, selection_form, FromDataForm() if request.GET else None)

    def post(self, request: HttpRequest) -> HttpResponse:
        selection_form = SelectionForm(request.GET or None)
        form = FromDataForm(request.POST)
        if not selection_form.is_valid() or not form.is_valid():
            return self.page(request, selection_form, form)
        chosen = list(choose_vulnerabilities(selection_form.selection()).values_list("identifier", flat=True)[
            :MAX_CHOSEN + 1])
        if len(chosen) != form.cleaned_data["confirm_count"]:
            form.add_error(None, _("The data changed since the preview (%(count)d vulnerabilities match now): check "
                                   "the list again.") % {"count": len(chosen)})
            return self.page(request, selection_form, form)
        data = form.cleaned_data
        document = warning_document(
            title=data["title"], reference=data["reference"].strip(), reference_date=data["reference_date"],
            deadline=data["deadline"], severity=data["severity"], summary=data["summary"], cves=chosen,
            selection=selection_form.selection().describe())
        job = submit_warning(document, request.user)
        return HttpResponseRedirect(reverse("core:job_detail", args=[job.pk]))

    def page(self, request: HttpRequest, selection_form: SelectionForm, form: FromDataForm | None) -> HttpResponse:
        context: dict[str, Any] = {"selection_form": selection_form, "form": form, "max_chosen": MAX_CHOSEN,
                                   "presets": presets(timezone.localdate())}
        if selection_form.is_bound and selection_form.is_valid():
            chosen = choose_vulnerabilities(selection_form.selection())
            count = chosen.count()
            context.update(count=count, rows=chosen[:PREVIEW_ROWS], too_many=count > MAX_CHOSEN,
                           unknown=_unknown(selection_form.cleaned_data["cve_list"]))
            if form is not None and not form.is_bound:
                form.initial["confirm_count"] = count
        elif not selection_form.is_bound:
            context["form"] = None
        return render(request, "advisories/from_data.html", context)


def presets(today: datetime.date) -> list[tuple[str, str]]:
    """Queries the SOC asks often, as links to their preview."""
    monday = today - datetime.timedelta(days=today.weekday())
    return [
        (_("Known exploited, added this week"),
         urlencode({"known_exploited": "on", "exploited_from": monday.isoformat(), "exploited_to": today.isoformat()})),
        (_("Known exploited, added in the last 30 days"),
         urlencode({"known_exploited": "on", "exploited_from": (today - datetime.timedelta(days=30)).isoformat()})),
        (_("Critical, published in the last 30 days"),
         urlencode({"severity": "critical", "published_from": (today - datetime.timedelta(days=30)).isoformat()})),
    ]


def _unknown(cves: list[str]) -> list[str]:
    known = set(Vulnerability.objects.filter(identifier__in=cves).values_list("identifier", flat=True))
    return [cve for cve in cves if cve not in known]


class NoticeView(SocWriteView):
    """The notices a warning would send (one per unit it hits, with its assets), sent once the SOC confirms."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        advisory = advisory_for(request, pk)
        prepared = warning_notices(advisory, preview=True)
        labels = dict(EmailSkipped.choices)
        for plan in prepared.plans:
            plan.skipped_label = labels.get(plan.email_skipped, "")  # type: ignore[attr-defined]
        return render(request, "advisories/notice_preview.html", {
            "advisory": advisory, "plans": prepared.plans, "counts": prepared.counts(),
            "mail_configured": mail_configured()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        advisory = advisory_for(request, pk)
        if request.POST.get("confirm") != "send":
            return HttpResponseRedirect(reverse("advisories:notice_preview", args=[advisory.pk]))
        counts = warning_notices(advisory, preview=False).counts()
        messages.success(request, _("Notices created for %(created)d units (%(emails)d e-mails to send); "
                                    "%(already_notified)d units had been told already.") % counts)
        return HttpResponseRedirect(reverse("advisories:advisory_detail", args=[advisory.pk]))
