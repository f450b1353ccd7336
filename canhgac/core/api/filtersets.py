"""Filters of the audit trail, shared by the API and the console's audit list (``core/ui/audit.py``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from canhgac.core.models import AuditAction, AuditEntry, Channel


class AuditEntryFilterSet(django_filters.FilterSet):
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    actor = django_filters.CharFilter(label=_("Actor (username)"), field_name="actor_label", lookup_expr="iexact")
    unit = django_filters.NumberFilter(label=_("Unit id"), field_name="unit_id")
    job = django_filters.NumberFilter(label=_("Job id"), field_name="job_id")
    since = django_filters.IsoDateTimeFilter(label=_("Since"), field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(label=_("Until"), field_name="at", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Object contains"), field_name="object_repr", lookup_expr="icontains")

    class Meta:
        model = AuditEntry
        fields: list[str] = []
