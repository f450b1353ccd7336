"""The REST API: each app contributes its routes to one router, so the schema lists them all."""

from rest_framework.routers import DefaultRouter

from canhgac.accounts.api.views import register_routes as register_accounts
from canhgac.advisories.api.views import register_routes as register_advisories
from canhgac.awareness.api.views import register_routes as register_awareness
from canhgac.constituency.api.views import register_routes as register_constituency
from canhgac.core.api.views import register_routes as register_core
from canhgac.directives.api.views import register_routes as register_directives
from canhgac.duty.api.views import register_routes as register_duty
from canhgac.findings.api.views import register_routes as register_findings
from canhgac.intel.api.views import register_routes as register_intel

router = DefaultRouter()
for register in (register_constituency, register_accounts, register_core, register_findings, register_advisories,
                 register_intel, register_directives, register_duty, register_awareness):
    register(router)

urlpatterns = router.urls
