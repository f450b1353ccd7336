from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.forms import ConsoleModelForm
from canhgac.notifications.models import UnitNotificationPreference


class PreferenceForm(ConsoleModelForm):
    class Meta:
        model = UnitNotificationPreference
        fields = ["extra_recipients", "do_not_notify", "digest"]
        widgets = {
            "extra_recipients": forms.Textarea(attrs={"rows": 4, "placeholder": _("lanhdao@example.gov.vn")}),
        }
