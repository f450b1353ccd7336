"""Console forms of the registry. They only validate and collect; the views write through the services.

Every unit choice is limited to the units the user may own (an officer: their units and sub-units), and
``clean_unit`` asks :func:`may_own` again, so a forged id is refused as a form error, never saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.models import Asset, Contact, Domain, InformationSystem, Netblock, Software, Unit
from canhgac.constituency.querysets import unit_subtree_ids
from canhgac.constituency.services import SoftwareItem, parse_software_list
from canhgac.constituency.ui.levels import level_choices
from canhgac.core.scoping import may_own
from canhgac.core.ui.forms import ConsoleForm, ConsoleModelForm


class ScopedModelForm(ConsoleModelForm):
    """A registry form for ``user``: the ``unit`` field offers only units the user may put objects in."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        field = self.fields.get("unit")
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Unit.objects.for_user(user).order_by("code")
            field.required = field.required or not may_own(user, None)

    def clean_unit(self) -> Unit | None:
        unit = self.cleaned_data.get("unit")
        if not may_own(self.user, unit.pk if unit is not None else None):
            raise ValidationError(_("You may only place objects in your own units."), code="unit_scope")
        return unit


class UnitForm(ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "address", "phone", "email", "website",
                  "active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.for_user(self.user).order_by("code")
        if self.instance.pk is not None:  # not under itself or its own sub-units
            parents = parents.exclude(pk__in=unit_subtree_ids([self.instance.pk]))
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["unit", "organisation", "name", "position", "phone", "mobile", "hotline", "email",
                  "focal_point", "national_body", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_own(self.user, None):  # outside bodies are kept by the SOC
            del self.fields["national_body"]
            self.fields["organisation"].help_text = ""


class NetblockForm(ScopedModelForm):
    class Meta:
        model = Netblock
        fields = ["unit", "block", "description"]
        help_texts = {"block": _("A CIDR prefix (203.113.0.0/24, 2001:db8::/48), one address, or a range a-b.")}


class DomainForm(ScopedModelForm):
    class Meta:
        model = Domain
        fields = ["unit", "name", "purpose", "notes"]


SOFTWARE_HELP = _("One per line: vendor | product | version, optionally | CPE 2.3 name; or a CPE 2.3 name alone "
                  "(cpe:2.3:a:apache:tomcat:9.0.80:*:*:*:*:*:*:*).")


def software_line(item: Software | SoftwareItem) -> str:
    """One item as the software box shows it, read back by ``parse_software_list`` to the same item."""
    parts = [item.vendor, item.product, item.version] + ([item.cpe] if item.cpe else [])
    return " | ".join(parts).rstrip(" |")


class AssetForm(ScopedModelForm):
    software = forms.CharField(label=_("Software"), required=False, help_text=SOFTWARE_HELP,
                               widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}))

    class Meta:
        model = Asset
        fields = ["unit", "name", "hostname", "role", "internet_facing", "ip_addresses", "description"]
        widgets = {"ip_addresses": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"ip_addresses": _("IPv4 or IPv6 addresses, separated by commas, spaces or new lines.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["software"] = "\n".join(software_line(item) for item in self.instance.software.all())

    def clean_ip_addresses(self) -> str:
        return " ".join(str(self.cleaned_data.get("ip_addresses", "")).split())

    def clean_software(self) -> list[SoftwareItem]:
        return parse_software_list(self.cleaned_data.get("software", ""))


MAX_ID = 2**63 - 1


def as_id(raw: Any) -> int | None:
    """A database id from user input, or None: databases refuse integers past 64 bits (SQLite even raises)."""
    text = str(raw).strip() if raw is not None else ""
    return int(text) if text.isdecimal() and text.isascii() and 0 < int(text) <= MAX_ID else None


class IdChoicesField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not numbers in range before asking the database about them."""

    def _check_values(self, value: Any) -> Any:
        for raw in value:
            if as_id(raw) is None:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": raw})
        return super()._check_values(value)  # type: ignore[misc]


def chosen_unit_id(form: forms.BaseForm, instance: Any) -> int | None:
    """The unit a form is about: posted, given as initial value (``?unit=``), or the instance's."""
    raw = form.data.get("unit") if form.is_bound else form.initial.get("unit", getattr(instance, "unit_id", None))
    return as_id(raw)


class LevelRadioSelect(forms.RadioSelect):
    """Radios in Bootstrap's form-check markup (the class goes on each input, not on the group)."""

    option_template_name = "constituency/widgets/radio_option.html"


class InformationSystemForm(ScopedModelForm):
    assets = IdChoicesField(
        label=_("Assets"), required=False, queryset=Asset.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("The assets of the system's unit that it runs on (choose the unit first; hold Ctrl to "
                    "choose several)."))

    class Meta:
        model = InformationSystem
        fields = ["unit", "name", "security_level", "level_approved_ref", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["security_level"]
        self.fields["security_level"] = forms.TypedChoiceField(  # radios: each level's meaning reads in full
            label=level.label, help_text=level.help_text, coerce=int, choices=level_choices,
            widget=LevelRadioSelect())
        unit_id = chosen_unit_id(self, self.instance)
        assets = Asset.objects.for_user(self.user).filter(unit_id=unit_id).order_by("name") if unit_id \
            else Asset.objects.none()
        field: Any = self.fields["assets"]
        field.queryset = assets
        if self.instance.pk is not None:
            self.initial["assets"] = [asset.pk for asset in self.instance.assets.all()]


class IpLookupForm(ConsoleForm):
    ip = forms.CharField(label=_("IP address"), max_length=100,
                         widget=forms.TextInput(attrs={"placeholder": "203.113.131.5", "autofocus": True}))
