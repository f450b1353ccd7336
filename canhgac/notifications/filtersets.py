"""Filters of the notice inbox and of the units' notification settings (console lists)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.constituency.models import Unit
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, DigestInterval, Notice

WAITING = (DeliveryState.PENDING, DeliveryState.SENDING)
EMAIL_STATES = [("failed", _("Some e-mail failed")), ("waiting", _("Some e-mail waiting")),
                ("sent", _("All e-mail sent")), ("none", _("No e-mail"))]


def _kind_choices() -> list[tuple[str, str]]:
    kinds = Notice.objects.order_by("kind").values_list("kind", flat=True).distinct()
    return [(kind, kind) for kind in kinds]


def _email(states: tuple[str, ...] | None = None) -> Exists:
    deliveries = Delivery.objects.filter(notice=OuterRef("pk"), channel=DeliveryChannel.EMAIL)
    return Exists(deliveries.filter(state__in=states) if states else deliveries)


class NoticeFilterSet(UnitScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=_kind_choices, empty_label=_("Any"))
    unread = django_filters.BooleanFilter(label=_("Unread"), field_name="read_at", lookup_expr="isnull")
    email = django_filters.ChoiceFilter(label=_("E-mail"), choices=EMAIL_STATES, method="filter_email",
                                        empty_label=_("Any"))
    search_fields = ("subject", "dedup_key")

    class Meta:
        model = Notice
        fields = ["q", "unit", "unit_tree", "kind", "unread", "email"]

    def filter_email(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        conditions = {
            "failed": Q(_email((DeliveryState.FAILED,))),
            "waiting": Q(_email(WAITING)),
            "sent": Q(_email((DeliveryState.SENT,))) & ~Q(_email((*WAITING, DeliveryState.FAILED))),
            "none": ~Q(_email()),
        }
        return queryset.filter(conditions[value])


class PreferenceFilterSet(UnitScopedFilterSet):
    """Over units: each row is a unit with the notification settings it has (or the defaults)."""

    do_not_notify = django_filters.BooleanFilter(label=_("Do not notify"), method="filter_do_not_notify")
    digest = django_filters.ChoiceFilter(label=_("E-mail timing"), choices=DigestInterval.choices,
                                         method="filter_digest", empty_label=_("Any"))
    search_fields = ("code", "name", "short_name")
    unit_field = "pk"

    class Meta:
        model = Unit
        fields = ["q", "do_not_notify", "digest"]

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(code__iexact=value.strip())

    def filter_do_not_notify(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        opted_out = Q(notification_preference__do_not_notify=True)
        return queryset.filter(opted_out) if value else queryset.exclude(opted_out)

    def filter_digest(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == DigestInterval.NONE:  # a unit that never set any takes the default: at once
            return queryset.filter(Q(notification_preference__isnull=True)
                                   | Q(notification_preference__digest=DigestInterval.NONE))
        return queryset.filter(notification_preference__digest=value)
