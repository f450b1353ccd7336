"""Creating a directive (from a template or from scratch) and changing it while it is a draft."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from canhgac.advisories.models import Advisory
from canhgac.constituency.models import Contact, Operator, Unit
from canhgac.core.access import ADD, CHANGE, may
from canhgac.core.audit import build_entry, diff, save_audited, snapshot
from canhgac.core.models import AuditAction
from canhgac.directives.models import Directive, DirectiveState, DirectiveTask, RecipientGroup
from canhgac.directives.planning import GroupSpec, check_groups, preset

EDITABLE = ("reference_number", "reference_date", "reference_issuer", "number", "issued_on", "subject",
            "period_start", "period_end", "report_deadline", "opening", "closing", "copies", "signer_authority",
            "signer_title", "signer_name", "template")


def preset_fields(name: str) -> dict[str, Any]:
    """What a template fills in: the letter's text and signer, its groups and tasks, and the national bodies
    (with the provincial team, seeded among them) as points of contact."""
    data = preset(name).data
    signer = _operator_signer() or data.get("signer", {})
    contacts = list(Contact.objects.filter(national_body=True).order_by("organisation", "name")
                    .values_list("pk", flat=True)) if data.get("contacts") == "national_bodies" else []
    return {"template": name, "subject": data["subject"], "opening": "\n".join(data.get("opening", [])),
            "closing": "\n".join(data.get("closing", [])), "copies": "\n".join(data.get("copies", [])),
            "signer_authority": signer.get("authority", ""), "signer_title": signer.get("title", ""),
            "signer_name": signer.get("name", ""), "contacts": contacts, "groups": preset(name).groups()}


def _operator_signer() -> dict[str, str]:
    """The operator's usual signer (its page), which a template's signer only stands in for; empty when unset."""
    body = Operator.objects.order_by("pk").first()
    if body is None or not (body.signer_authority or body.signer_title or body.signer_name):
        return {}
    return {"authority": body.signer_authority, "title": body.signer_title, "name": body.signer_name}


def create_directive(user: Any, fields: dict[str, Any], groups: list[GroupSpec],
                     contact_ids: list[int] | None = None, advisory_ids: list[int] | None = None) -> Directive:
    """A draft directive with its groups and tasks, all or nothing; the SOC only."""
    if not may(user, ADD, Directive):
        raise PermissionDenied(_("Only the SOC writes directives."))
    directive = Directive(created_by=user if getattr(user, "is_authenticated", False) else None,
                          **{key: fields[key] for key in EDITABLE if key in fields})
    _check(directive, groups)
    with transaction.atomic():
        save_audited(directive)
        directive.contacts.set(_contacts(contact_ids))
        directive.advisories.set(_advisories(advisory_ids))
        write_groups(directive, groups)
    return directive


def update_directive(user: Any, directive: Directive, fields: dict[str, Any], groups: list[GroupSpec],
                     contact_ids: list[int] | None = None, advisory_ids: list[int] | None = None) -> Directive:
    """Change a draft; a directive already sent keeps what the units received."""
    if not may(user, CHANGE, Directive):
        raise PermissionDenied(_("Only the SOC writes directives."))
    if directive.state != DirectiveState.DRAFT:
        raise ValidationError(_("The directive was sent: what the units received can no longer change."))
    before = snapshot(directive)
    for key in EDITABLE:
        if key in fields:
            setattr(directive, key, fields[key])
    _check(directive, groups)
    with transaction.atomic():
        save_audited(directive, before)
        directive.contacts.set(_contacts(contact_ids))
        directive.advisories.set(_advisories(advisory_ids))
        RecipientGroup.objects.filter(directive=directive).delete()
        write_groups(directive, groups)
    return directive


def _check(directive: Directive, groups: list[GroupSpec]) -> None:
    directive.full_clean(exclude=["contacts", "advisories"])
    errors: dict[str, list[str]] = {}
    if directive.period_start and directive.period_end and directive.period_end < directive.period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    problems = check_groups(groups)
    if problems:
        errors["plan"] = problems
    if errors:
        raise ValidationError(errors)


def _contacts(contact_ids: list[int] | None) -> list[Contact]:
    """Points of contact are outside bodies' contacts (no unit): national bodies and the provincial team."""
    chosen = list(Contact.objects.filter(pk__in=contact_ids or [], unit__isnull=True))
    if len(chosen) != len(set(contact_ids or [])):
        raise ValidationError({"contacts": [_("Points of contact are chosen among the outside bodies' "
                                              "contacts (national bodies and the provincial team).")]})
    return chosen


def _advisories(advisory_ids: list[int] | None) -> list[Advisory]:
    chosen = list(Advisory.objects.filter(pk__in=advisory_ids or []))
    if len(chosen) != len(set(advisory_ids or [])):
        raise ValidationError({"advisories": [_("A chosen warning no longer exists.")]})
    return chosen


def write_groups(directive: Directive, groups: list[GroupSpec]) -> None:
    codes = {code for group in groups for code in group.unit_codes}
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    missing = sorted(codes - set(units))
    if missing:
        raise ValidationError({"plan": [_("No unit has the code %(codes)s.") % {"codes": ", ".join(missing)}]})
    for position, spec in enumerate(groups, start=1):
        group = RecipientGroup.objects.create(directive=directive, position=position, label=spec.label,
                                              unit_kinds=spec.unit_kinds, include_subunits=spec.include_subunits)
        group.units.set([units[code] for code in spec.unit_codes])
        DirectiveTask.objects.bulk_create(
            DirectiveTask(directive=directive, group=group, position=number, title=task.title, text=task.text)
            for number, task in enumerate(spec.tasks, start=1))
    build_entry(AuditAction.UPDATE, directive, diff({}, {"plan": [
        {"group": spec.label, "kinds": spec.unit_kinds, "units": spec.unit_codes,
         "tasks": [task.title for task in spec.tasks]} for spec in groups]})).save()


def groups_of(directive: Directive) -> list[GroupSpec]:
    """The directive's groups and tasks as plan data (to edit them again, or to copy them)."""
    from canhgac.directives.planning import TaskSpec

    specs = []
    for group in RecipientGroup.objects.filter(directive=directive).prefetch_related("units", "tasks"):
        specs.append(GroupSpec(group.label, list(group.unit_kinds), sorted(unit.code for unit in group.units.all()),
                               group.include_subunits,
                               [TaskSpec(task.title, task.text) for task in group.tasks.order_by("position")]))
    return specs
