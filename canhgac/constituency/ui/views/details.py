"""Detail pages of the registry. Every related list is read through ``for_user`` like the page itself."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from canhgac.constituency.addressing import parse_block
from canhgac.constituency.models import (
    Asset,
    AssetAddress,
    Contact,
    Domain,
    InformationSystem,
    Netblock,
    Unit,
)
from canhgac.constituency.querysets import ancestors
from canhgac.constituency.ui.views.lists import count_of
from canhgac.core.access import ADD, CHANGE, DELETE, may
from canhgac.core.scoping import may_own, may_write
from canhgac.core.ui.views import ScopedDetailView

SHOWN = 20
"""Rows of each related list shown on a detail page; the rest are one link away (the filtered list page)."""


def first_rows(queryset: QuerySet, limit: int = SHOWN) -> dict[str, Any]:
    """The first ``limit`` rows and the total, in two small queries (the total only when the page is full)."""
    rows = list(queryset[:limit + 1])
    total = len(rows) if len(rows) <= limit else queryset.count()
    return {"rows": rows[:limit], "total": total, "more": total > limit}


class RegistryDetailView(ScopedDetailView):
    """Adds whether the user may edit or delete this object, so no button leads to a 403."""

    related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        return self.model.objects.select_related(*self.related)  # type: ignore[attr-defined]

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(self.get_queryset() if queryset is None else queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, obj, name = self.request.user, self.object, self.model._meta.model_name
        context.update(
            model_meta=self.model._meta,
            can_change=may_write(user, CHANGE, obj),
            can_delete=may_write(user, DELETE, obj),
            update_url=reverse(f"constituency:{name}_update", kwargs={"pk": obj.pk}),
            delete_url=reverse(f"constituency:{name}_delete", kwargs={"pk": obj.pk}),
        )
        return context


class UnitDetailView(RegistryDetailView):
    model = Unit  # type: ignore[misc]
    template_name = "constituency/unit_detail.html"
    related = ("parent",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit, user = self.object, self.request.user
        chain = ancestors(unit)
        visible = set(Unit.objects.for_user(user).filter(pk__in=[u.pk for u in chain]).values_list("pk", flat=True))
        context.update(
            breadcrumb=[u for u in chain if u.pk in visible],
            parent_visible=unit.parent_id in visible,
            children=first_rows(Unit.objects.for_user(user).filter(parent=unit).annotate(
                asset_count=count_of(Asset.objects.all(), "unit")).order_by("code"), 50),
            contacts=first_rows(Contact.objects.for_user(user).filter(unit=unit).order_by("-focal_point", "name")),
            netblocks=first_rows(Netblock.objects.for_user(user).filter(unit=unit)),
            domains=first_rows(Domain.objects.for_user(user).filter(unit=unit).order_by("name")),
            assets=first_rows(Asset.objects.for_user(user).filter(unit=unit).order_by("name")),
            systems=first_rows(InformationSystem.objects.for_user(user).filter(unit=unit).annotate(
                asset_count=count_of(InformationSystem.assets.through.objects.all(), "informationsystem"))
                .order_by("-security_level", "name")),
            links={model._meta.model_name: self.section_links(model) for model in
                   (Unit, Contact, Netblock, Domain, Asset, InformationSystem)},
        )
        return context

    def section_links(self, model: type[Model]) -> dict[str, str]:
        """"Add" (prefilled with this unit, if the user may) and "all" (the list filtered to this unit)."""
        unit, user, name = self.object, self.request.user, model._meta.model_name
        prefill, filtered = ("parent", "parent") if model is Unit else ("unit", "unit")
        add = may(user, ADD, model) and may_own(user, unit.pk)
        return {
            "add": f"{reverse(f'constituency:{name}_create')}?{urlencode({prefill: unit.pk})}" if add else "",
            "all": f"{reverse(f'constituency:{name}_list')}?{urlencode({filtered: unit.code})}",
        }


class ContactDetailView(RegistryDetailView):
    model = Contact  # type: ignore[misc]
    template_name = "constituency/contact_detail.html"
    related = ("unit",)


class NetblockDetailView(RegistryDetailView):
    """A block, and the other blocks it holds or sits in (most specific wins: those decide who owns an IP)."""

    model = Netblock  # type: ignore[misc]
    template_name = "constituency/netblock_detail.html"
    related = ("unit",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        block, user = self.object, self.request.user
        parsed = parse_block(block.block)
        same_version = Netblock.objects.for_user(user).filter(version=block.version).exclude(pk=block.pk) \
            .select_related("unit")
        address_class = ipaddress.IPv4Address if parsed.version == 4 else ipaddress.IPv6Address
        context.update(
            first_address=address_class(parsed.first),
            last_address=address_class(parsed.last),
            size=parsed.size,
            inside=first_rows(same_version.filter(first_key__gte=block.first_key, last_key__lte=block.last_key)
                              .order_by("first_key", "-span_key"), 50),
            enclosing=list(same_version.filter(first_key__lte=block.first_key, last_key__gte=block.last_key)
                           .order_by("-span_key")),
            assets=first_rows(AssetAddress.objects.for_user(user).filter(
                version=block.version, key__gte=block.first_key, key__lte=block.last_key)
                .select_related("asset__unit").order_by("key")),
        )
        return context


class DomainDetailView(RegistryDetailView):
    model = Domain  # type: ignore[misc]
    template_name = "constituency/domain_detail.html"
    related = ("unit",)


class AssetDetailView(RegistryDetailView):
    model = Asset  # type: ignore[misc]
    template_name = "constituency/asset_detail.html"
    related = ("unit",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        asset, user = self.object, self.request.user
        context.update(
            addresses=asset.addresses.order_by("version", "key"),
            software=asset.software.all(),
            systems=InformationSystem.objects.for_user(user).filter(assets=asset).order_by("name"),
        )
        return context


class InformationSystemDetailView(RegistryDetailView):
    model = InformationSystem  # type: ignore[misc]
    template_name = "constituency/informationsystem_detail.html"
    related = ("unit",)
    ASSETS_SHOWN = 200

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        assets = Asset.objects.for_user(self.request.user).filter(information_systems=self.object).order_by("name")
        context["assets"] = first_rows(assets, self.ASSETS_SHOWN)
        return context
