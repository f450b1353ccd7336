from typing import Any

from django.http import HttpRequest


def console(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs on every page: the navigation the user may see and the operator's name."""
    from canhgac.web.navigation import navigation_for

    return {"navigation": navigation_for(request)}
