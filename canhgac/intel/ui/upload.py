"""Uploading lists (the SOC): each file becomes an import job; the browser follows it on the job's page, whose
result links to the batch (or lists why the file was refused: nothing of it is stored)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views import View

from canhgac.core.access import ADD, may
from canhgac.core.models import Channel
from canhgac.core.ui.views import ConsoleView
from canhgac.intel.models import FeedBatch
from canhgac.intel.services import JOB_KIND
from canhgac.intel.ui.forms import FeedUploadForm
from canhgac.intel.uploading import start_feed_imports


class FeedUploadView(ConsoleView, View):
    model = FeedBatch
    required_action = ADD

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, FeedUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FeedUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form)
        data = form.cleaned_data
        try:
            jobs = start_feed_imports(((upload.name or "feed", upload) for upload in data["file"]), request.user,
                                      source=data["source"], reference=data["reference"], period=data["period"],
                                      format_name=data["format"], columns=data["columns"], channel=Channel.UI)
        except ValidationError as refusal:
            form.add_error(None, refusal)
            return self.page(request, form)
        if len(jobs) == 1:
            return HttpResponseRedirect(reverse("core:job_detail", args=[jobs[0].pk]))
        messages.info(request, ngettext("%(count)d file is being imported.", "%(count)d files are being imported, "
                                        "one job each.", len(jobs)) % {"count": len(jobs)})
        return HttpResponseRedirect(f"{reverse('core:job_list')}?{urlencode({'kind': JOB_KIND})}")

    def page(self, request: HttpRequest, form: FeedUploadForm) -> HttpResponse:
        return render(request, "intel/feed_upload.html", {"form": form})


def is_uploader(user: Any) -> bool:
    return may(user, ADD, FeedBatch)
