"""“Which unit owns this IP?” — the console face of ``owner_of_ip``.

The owner is decided over every block (the most specific wins), and only then hidden if the user may not see
it: an officer whose block holds a more specific block of another unit gets "not found" for that address, not
their own block as a wrong answer.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.views.generic import TemplateView

from canhgac.constituency.models import Asset, Netblock
from canhgac.constituency.querysets import owner_of_ip
from canhgac.constituency.ui.forms import IpLookupForm
from canhgac.core.ui.views import ConsoleView


class IpLookupView(ConsoleView, TemplateView):
    model = Netblock
    template_name = "constituency/ip_lookup.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = IpLookupForm(self.request.GET if "ip" in self.request.GET else None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            try:
                context["answer"] = self.answer(form.cleaned_data["ip"])
            except ValidationError as error:
                form.add_error("ip", error)
        return context

    def answer(self, text: str) -> dict[str, Any]:
        owner = owner_of_ip(text)
        user = self.request.user
        netblock = owner.netblock
        if netblock is not None and not Netblock.objects.for_user(user).filter(pk=netblock.pk).exists():
            netblock = None
        assets = list(Asset.objects.for_user(user).filter(pk__in=[asset.pk for asset in owner.assets])
                      .select_related("unit").order_by("name"))
        return {"address": owner.address, "netblock": netblock, "assets": assets,
                "found": netblock is not None or bool(assets)}
