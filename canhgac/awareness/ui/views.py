"""Console pages of awareness bulletins: the list (officers: those sent to their units), writing a draft,
publishing it, reading it (which records the receipt), answering its quiz, its files, and — for the SOC — the
per-unit receipts and quiz results.

Every read goes through ``for_user``: an officer who names a bulletin never sent to their units gets a 404.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from canhgac.awareness.filtersets import BulletinFilterSet
from canhgac.awareness.models import (
    Bulletin,
    BulletinAttachment,
    BulletinRead,
    BulletinRecipient,
    QuizAttempt,
    QuizChoice,
)
from canhgac.awareness.services import (
    Upload,
    publish_bulletin,
    quiz_text,
    reading_units,
    record_opening,
    save_bulletin,
    submit_quiz,
    unit_results,
)
from canhgac.awareness.ui.forms import BulletinForm, QuizAnswerForm
from canhgac.constituency.ui.editing import attach_errors
from canhgac.constituency.ui.views.lists import count_of, tidy_filter_form
from canhgac.core.access import ADD, CHANGE, may
from canhgac.core.audit import snapshot
from canhgac.core.scoping import get_scoped_or_404
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView

SERVED_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
"""Files served as their type (shown by the browser); anything else (HTML, SVG, scripts) downloads as bytes."""
RESULTS_PAGE = 100


def bulletins(user: Any) -> QuerySet:
    """Bulletins the user may see, each once (an officer's two units may both have received one)."""
    return Bulletin.objects.for_user(user).distinct()


class BulletinListView(ScopedListView):
    model = Bulletin  # type: ignore[misc]
    filterset_class = BulletinFilterSet
    template_name = "awareness/bulletin_list.html"
    page_title = gettext_lazy("Awareness bulletins")
    sortable: ClassVar[dict[str, str]] = {"published": "published_at", "title": "title", "topic": "topic",
                                          "kind": "kind"}

    def base_queryset(self) -> QuerySet:
        user: Any = self.request.user
        return bulletins(user).annotate(
            read_by_me=Exists(BulletinRead.objects.filter(bulletin=OuterRef("pk"), user=user)),
            sent_to=count_of(BulletinRecipient.objects.all(), "bulletin"),
            opened_by=count_of(BulletinRecipient.objects.filter(first_read_at__isnull=False), "bulletin"),
        ).defer("body")

    def current_sort(self) -> str:
        return super().current_sort() if self.request.GET.get("sort") else "-published"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        context["is_soc"] = may(self.request.user, ADD, Bulletin)
        if context["is_soc"]:
            context.update(create_url=reverse("awareness:bulletin_create"), add_label=_("New bulletin"))
        return context


class BulletinFormView(ConsoleView, TemplateResponseMixin, View):
    """A draft's page: written by the SOC, changed until it is published."""

    model = Bulletin
    template_name = "awareness/bulletin_form.html"
    object: Bulletin | None = None

    def load(self) -> Bulletin | None:
        return None

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.object = self.load()
        initial = {"quiz": quiz_text(self.object.questions.prefetch_related("choices"))} if self.object else {}
        return self.show(BulletinForm(instance=self.object, initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.object = self.load()
        before = snapshot(self.object) if self.object else None
        form = BulletinForm(request.POST, request.FILES, instance=self.object)
        if form.is_valid():
            data = form.cleaned_data
            uploads = [Upload(item.name, item.content_type or "application/octet-stream", item.read())
                       for item in data["attachments"]]
            bulletin = form.instance
            bulletin.created_by = bulletin.created_by or request.user
            try:
                save_bulletin(bulletin, before, chosen=data["unit_codes"], quiz=data["quiz"], uploads=uploads)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The draft is saved; publish it when it is ready."))
                return redirect(bulletin)
        return self.show(form)

    def show(self, form: BulletinForm) -> HttpResponse:
        return self.render_to_response({"form": form, "object": self.object})


class BulletinCreateView(BulletinFormView):
    required_action = ADD


class BulletinUpdateView(BulletinFormView):
    required_action = CHANGE

    def load(self) -> Bulletin:
        return get_scoped_or_404(Bulletin.objects.all(), self.request.user, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.published_refusal() or super().get(request, **kwargs)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.published_refusal() or super().post(request, **kwargs)

    def published_refusal(self) -> HttpResponse | None:
        bulletin = self.load()
        if bulletin.published_at is None:
            return None
        messages.error(self.request, _("A published bulletin is not changed: write a new one."))
        return redirect(bulletin)


class BulletinDetailView(ScopedDetailView):
    """The bulletin as its readers see it; opening it as a unit's officer records the read. The SOC also sees
    each unit's receipt and quiz result."""

    model = Bulletin  # type: ignore[misc]
    template_name = "awareness/bulletin_detail.html"
    context_object_name = "bulletin"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(Bulletin.objects.distinct())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = bulletin = self.get_object()
        self.units = reading_units(bulletin, request.user) if bulletin.published_at is not None else []
        if self.units:
            record_opening(bulletin, request.user, units=self.units)
        return self.render_to_response(self.get_context_data(object=bulletin))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        bulletin, user = self.object, cast(Any, self.request.user)
        questions = list(bulletin.questions.prefetch_related(Prefetch("choices", QuizChoice.objects.all())))
        attempt = QuizAttempt.objects.filter(bulletin=bulletin, user=user).first()
        may_answer = bool(questions) and attempt is None and bulletin.published_at is not None \
            and bool(self.units) and may(user, ADD, QuizAttempt)
        context.update(
            paragraphs=[part.strip() for part in bulletin.body.split("\n\n") if part.strip()],
            attachments=bulletin.attachments.defer("content"), questions=questions, attempt=attempt,
            quiz_form=QuizAnswerForm(questions) if may_answer else None,
            is_soc=may(user, CHANGE, Bulletin), not_opened=_("not opened"),
        )
        if bulletin.published_at is not None:
            context.update(self.results(bulletin, user))
        return context

    def results(self, bulletin: Bulletin, user: Any) -> dict[str, Any]:
        """A page of the units' receipts and results (``?results=`` for another page), and the totals over all."""
        rows = unit_results(bulletin, user)
        page = Paginator(rows, RESULTS_PAGE).get_page(self.request.GET.get("results"))
        totals = BulletinRecipient.objects.for_user(user).filter(bulletin=bulletin).aggregate(
            units=Count("pk"), opened=Count("pk", filter=Q(first_read_at__isnull=False)))
        answers = QuizAttempt.objects.for_user(user).filter(bulletin=bulletin).aggregate(
            people=Count("pk"), correct=Sum("score"), asked=Sum("total"))
        average = 100 * answers["correct"] / answers["asked"] if answers["asked"] else None
        return {"results": page.object_list, "results_page": page, "totals": {**totals, **answers, "average": average}}


class BulletinPublishView(ConsoleView, View):
    model = Bulletin
    required_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bulletin = get_scoped_or_404(Bulletin.objects.all(), request.user, pk=pk)
        try:
            count = publish_bulletin(bulletin)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Published to %(count)d units; each is told in its notices.")
                             % {"count": count})
        return redirect(bulletin)


class QuizAnswerView(ConsoleView, View):
    model = QuizAttempt
    required_action = ADD
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        bulletin = get_scoped_or_404(Bulletin.objects.distinct(), request.user, pk=pk)
        questions = list(bulletin.questions.prefetch_related("choices"))
        form = QuizAnswerForm(questions, request.POST)
        if not questions or not form.is_valid():
            messages.error(request, _("Answer every question of the quiz."))
            return redirect(bulletin)
        try:
            attempt = submit_quiz(bulletin, request.user, form.answers())
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("%(score)d of %(total)d answers are right.")
                             % {"score": attempt.score, "total": attempt.total})
        return redirect(bulletin)


class AttachmentDownloadView(ConsoleView, View):
    model = BulletinAttachment
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        attachment = get_scoped_or_404(BulletinAttachment.objects.distinct(), request.user, pk=pk)
        served = attachment.content_type if attachment.content_type in SERVED_TYPES else "application/octet-stream"
        response = HttpResponse(bytes(attachment.content), content_type=served)
        response["Content-Disposition"] = content_disposition_header(True, attachment.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
