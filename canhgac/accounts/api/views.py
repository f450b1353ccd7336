from rest_framework.routers import DefaultRouter


def register_routes(router: DefaultRouter) -> None:
    """Adds this app's API routes to the shared router."""
