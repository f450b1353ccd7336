"""Create, edit and delete pages of each registry object (see ``ui/editing.py`` for how they write)."""

from __future__ import annotations

from typing import Any

from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Unit
from canhgac.constituency.services import save_asset, save_system
from canhgac.constituency.ui import forms
from canhgac.constituency.ui.editing import ServiceCreateView, ServiceDeleteView, ServiceFormView, ServiceUpdateView


class UnitCreateView(ServiceCreateView):
    model = Unit
    form_class = forms.UnitForm


class UnitUpdateView(ServiceUpdateView):
    model = Unit
    form_class = forms.UnitForm


class UnitDeleteView(ServiceDeleteView):
    model = Unit

    def consequences(self, obj: Any) -> dict[str, Any]:
        """A unit takes its contacts, netblocks, domains, assets and systems with it; sub-units block it."""
        related = (obj.contacts, obj.netblocks, obj.domains, obj.assets, obj.information_systems)
        counted = [(manager.model._meta.verbose_name_plural, manager.count()) for manager in related]
        return {"children": obj.children.count(), "taken": [(label, count) for label, count in counted if count]}


class ContactCreateView(ServiceCreateView):
    model = Contact
    form_class = forms.ContactForm


class ContactUpdateView(ServiceUpdateView):
    model = Contact
    form_class = forms.ContactForm


class ContactDeleteView(ServiceDeleteView):
    model = Contact


class NetblockCreateView(ServiceCreateView):
    model = Netblock
    form_class = forms.NetblockForm


class NetblockUpdateView(ServiceUpdateView):
    model = Netblock
    form_class = forms.NetblockForm


class NetblockDeleteView(ServiceDeleteView):
    model = Netblock


class DomainCreateView(ServiceCreateView):
    model = Domain
    form_class = forms.DomainForm


class DomainUpdateView(ServiceUpdateView):
    model = Domain
    form_class = forms.DomainForm


class DomainDeleteView(ServiceDeleteView):
    model = Domain


class AssetWriting(ServiceFormView):
    """An asset is saved with its address index and software list, as one audited change."""

    def write(self, form: Any, before: dict[str, Any] | None) -> bool:
        return save_asset(form.instance, before, form.cleaned_data["software"])


class AssetCreateView(ServiceCreateView, AssetWriting):
    model = Asset
    form_class = forms.AssetForm


class AssetUpdateView(ServiceUpdateView, AssetWriting):
    model = Asset
    form_class = forms.AssetForm


class AssetDeleteView(ServiceDeleteView):
    model = Asset


class SystemWriting(ServiceFormView):
    """A system is saved with its assets; changing the unit reloads the asset choices (htmx, no inline script)."""

    def write(self, form: Any, before: dict[str, Any] | None) -> bool:
        return save_system(form.instance, before, list(form.cleaned_data["assets"]))

    def build_form(self, data: Any = None) -> Any:
        form = super().build_form(data)
        form.fields["unit"].widget.attrs.update({
            "hx-get": self.request.path, "hx-trigger": "change", "hx-include": "this",
            "hx-target": "#id_assets", "hx-select": "#id_assets", "hx-swap": "outerHTML",
        })
        return form


class InformationSystemCreateView(ServiceCreateView, SystemWriting):
    model = InformationSystem
    form_class = forms.InformationSystemForm


class InformationSystemUpdateView(ServiceUpdateView, SystemWriting):
    model = InformationSystem
    form_class = forms.InformationSystemForm


class InformationSystemDeleteView(ServiceDeleteView):
    model = InformationSystem

