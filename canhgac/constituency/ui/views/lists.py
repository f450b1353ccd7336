"""List pages of the registry: the API's filtersets, whitelisted sorting, 50 rows a page.

Per-row figures (a unit's assets, a system's assets) are correlated subqueries rather than ``COUNT`` over joins:
the database evaluates them for the 50 rows shown, so the page costs the same with 50 or 50,000 assets.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.filtersets import FILTERSETS
from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Software, Unit
from canhgac.core.access import ADD, may
from canhgac.core.scoping import visible_unit_ids
from canhgac.core.ui.views import ScopedListView


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of ``queryset`` point at the outer row through ``field``, as a correlated subquery."""
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def tidy_filter_form(form: forms.BaseForm) -> None:
    """Search first; yes/no filters offer "any" rather than Django's "Unknown"."""
    form.order_fields(["q"])
    for field in form.fields.values():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class RegistryListView(ScopedListView):
    """A registry list, with an "add" button for those who may add this kind."""

    add_label: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """The filterset is the model's (shared with the API); the template is Django's default <model>_list."""
        super().__init_subclass__(**kwargs)
        cls.filterset_class = FILTERSETS[cls.model]

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if may(self.request.user, ADD, self.model):
            context["create_url"] = reverse(f"constituency:{self.model._meta.model_name}_create")
            context["add_label"] = self.add_label
        return context


class UnitListView(RegistryListView):
    model = Unit  # type: ignore[misc]
    page_title = _("Units")
    add_label = _("New unit")
    sortable = {"code": "code", "name": "name", "kind": "kind", "parent": "parent__code", "active": "active",
                "contacts": "contact_count", "netblocks": "netblock_count", "assets": "asset_count"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("parent").annotate(
            contact_count=count_of(Contact.objects.all(), "unit"),
            netblock_count=count_of(Netblock.objects.all(), "unit"),
            asset_count=count_of(Asset.objects.all(), "unit"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # An officer's top unit has a parent outside their scope: shown by code, not linked to a 404.
        return {**super().get_context_data(**kwargs), "visible_units": visible_unit_ids(self.request.user)}


class ContactListView(RegistryListView):
    model = Contact  # type: ignore[misc]
    page_title = _("Contacts")
    add_label = _("New contact")
    sortable = {"name": "name", "unit": "unit__code", "organisation": "organisation", "position": "position",
                "focal_point": "focal_point"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit")


class NetblockListView(RegistryListView):
    model = Netblock  # type: ignore[misc]
    page_title = _("Netblocks")
    add_label = _("New netblock")
    sortable = {"block": "first_key", "size": "span_key", "unit": "unit__code", "description": "description"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit")


class DomainListView(RegistryListView):
    model = Domain  # type: ignore[misc]
    page_title = _("Domains")
    add_label = _("New domain")
    sortable = {"name": "name", "purpose": "purpose", "unit": "unit__code"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit")


class AssetListView(RegistryListView):
    model = Asset  # type: ignore[misc]
    page_title = _("Assets")
    add_label = _("New asset")
    sortable = {"name": "name", "hostname": "hostname", "unit": "unit__code", "role": "role",
                "internet_facing": "internet_facing", "updated": "updated_at"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit").annotate(
            software_count=count_of(Software.objects.all(), "asset"))


class InformationSystemListView(RegistryListView):
    model = InformationSystem  # type: ignore[misc]
    page_title = _("Information systems")
    add_label = _("New information system")
    sortable = {"name": "name", "unit": "unit__code", "level": "security_level", "assets": "asset_count"}

    def base_queryset(self) -> QuerySet:
        links = InformationSystem.assets.through.objects.all()
        return super().base_queryset().select_related("unit").annotate(
            asset_count=count_of(links, "informationsystem"))
