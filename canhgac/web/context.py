from typing import Any

from django.http import HttpRequest


def console(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs on every page: the menu the user may see and the operator's name."""
    from canhgac.constituency.models import Operator
    from canhgac.web.navigation import navigation_for

    sections = navigation_for(request)
    user_menu = [section for section in sections if section["key"] == "user"]
    return {"navigation": [section for section in sections if section["key"] != "user"],
            "user_menu_entries": user_menu[0]["entries"] if user_menu else [],
            "operator_name": lambda: Operator.objects.values_list("name", flat=True).first() or ""}
