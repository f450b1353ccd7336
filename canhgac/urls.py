from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("canhgac.accounts.ui.urls")),
    path("registry/", include("canhgac.constituency.ui.urls")),
    path("findings/", include("canhgac.findings.ui.urls")),
    path("advisories/", include("canhgac.advisories.ui.urls")),
    path("feeds/", include("canhgac.intel.ui.urls")),
    path("directives/", include("canhgac.directives.ui.urls")),
    path("notifications/", include("canhgac.notifications.ui.urls")),
    path("duty/", include("canhgac.duty.ui.urls")),
    path("awareness/", include("canhgac.awareness.ui.urls")),
    path("system/", include("canhgac.core.ui.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("canhgac.api_urls")),
    path("", include("canhgac.web.urls")),
]
