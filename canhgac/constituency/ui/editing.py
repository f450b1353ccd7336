"""Create, edit and delete pages that write only through the registry services.

The form validates (model rules included, so a duplicate netblock is an error next to its field); the view then
calls the service, which validates again and records the audit entry. Whether the user may write this kind of
object at all is :func:`may` (``required_action``); which object is scoping: another unit's object is a 404, and
an object the user may see but not own (a national body's contact, for an officer) is a 403.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from canhgac.constituency.services import delete_object, save_object
from canhgac.constituency.ui.forms import ScopedModelForm
from canhgac.core.access import ADD, CHANGE, DELETE
from canhgac.core.audit import snapshot
from canhgac.core.scoping import get_scoped_or_404, may_own, owning_unit_id
from canhgac.core.ui.views import ConsoleView

PREFILLED = ("unit", "parent")
"""Query parameters a create page takes as initial values (links such as "add a contact to this unit")."""


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ``ValidationError`` next to the fields it names (others above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class LoadsObject(ConsoleView):
    """Loads the object of the URL for writing: scoped (404), then owned (403)."""

    kwargs: dict[str, Any]
    request: HttpRequest

    def base_queryset(self) -> models.QuerySet:
        return self.model.objects.all()  # type: ignore[attr-defined]

    def load(self) -> Any:
        obj = get_scoped_or_404(self.base_queryset(), self.request.user, pk=self.kwargs["pk"])
        if not may_own(self.request.user, owning_unit_id(obj)):
            raise PermissionDenied
        return obj

    def kind_label(self) -> str:
        return str(capfirst(self.model._meta.verbose_name))


class ServiceFormView(TemplateResponseMixin, View):
    """The shared body of create and edit pages; subclasses say how to load and how to write."""

    form_class: ClassVar[type[ScopedModelForm]]
    template_name = "constituency/form.html"
    object: models.Model | None = None
    request: HttpRequest
    model: ClassVar[type[models.Model]]

    def load_or_none(self) -> models.Model | None:
        raise NotImplementedError

    def write(self, form: Any, before: dict[str, Any] | None) -> bool:
        """Save ``form.instance`` (already validated by the form) through its service; whether anything changed."""
        return save_object(form.instance, before)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.load_or_none()
        return self.show(self.build_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.load_or_none()
        before = snapshot(self.object) if self.object is not None else None  # before the form touches it
        form = self.build_form(request.POST)
        if form.is_valid():
            try:
                changed = self.write(form, before)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                self.announce(form.instance, changed)
                return redirect(form.instance)
        return self.show(form)

    def build_form(self, data: Any = None) -> ScopedModelForm:
        initial = {name: self.request.GET[name] for name in PREFILLED if self.request.GET.get(name)}
        return self.form_class(data, instance=self.object, initial=initial, user=self.request.user)

    def announce(self, obj: models.Model, changed: bool) -> None:
        values = {"kind": capfirst(self.model._meta.verbose_name), "object": obj}
        if self.object is None:
            messages.success(self.request, _("%(kind)s “%(object)s” was created.") % values)
        elif changed:
            messages.success(self.request, _("%(kind)s “%(object)s” was saved.") % values)
        else:
            messages.info(self.request, _("Nothing was changed."))

    def show(self, form: ScopedModelForm) -> HttpResponse:
        meta = self.model._meta
        cancel = resolve_url(self.object) if self.object is not None \
            else reverse(f"constituency:{meta.model_name}_list")
        return self.render_to_response({"form": form, "object": self.object, "model_meta": meta,
                                        "cancel_url": cancel, "view": self})


class ServiceCreateView(ConsoleView, ServiceFormView):
    required_action = ADD

    def load_or_none(self) -> models.Model | None:
        return None


class ServiceUpdateView(LoadsObject, ServiceFormView):
    required_action = CHANGE

    def load_or_none(self) -> models.Model | None:
        return self.load()


class ServiceDeleteView(LoadsObject, TemplateResponseMixin, View):
    """GET asks for confirmation; only POST deletes (through ``delete_object``, audited)."""

    required_action = DELETE
    template_name = "constituency/confirm_delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.load()
        return self.render_to_response({"object": obj, "model_meta": self.model._meta, "kind": self.kind_label(),
                                        **self.consequences(obj)})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.load()
        values = {"kind": self.kind_label(), "object": str(obj)}
        try:
            delete_object(obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(obj)
        messages.success(request, _("%(kind)s “%(object)s” was deleted.") % values)
        return redirect(reverse(f"constituency:{self.model._meta.model_name}_list"))

    def consequences(self, obj: models.Model) -> dict[str, Any]:
        """What else the deletion takes with it, for the confirmation page."""
        return {}
