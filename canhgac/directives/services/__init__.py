"""Every write to directives, in one public surface: create and change a draft, send it, a unit's receipt and
reports, reminders, and the summary the SOC sends up."""

from canhgac.directives.services.creating import create_directive, groups_of, preset_fields, update_directive
from canhgac.directives.services.distributing import distribute_directive, render_directive_letter, resolve_recipients
from canhgac.directives.services.reminding import send_reminders
from canhgac.directives.services.reporting import acknowledge, add_evidence, report_task

__all__ = [
    "acknowledge",
    "add_evidence",
    "create_directive",
    "distribute_directive",
    "groups_of",
    "preset_fields",
    "render_directive_letter",
    "report_task",
    "resolve_recipients",
    "send_reminders",
    "update_directive",
]
