"""The Celery application: used only when ``CANHGAC_BROKER_URL`` is set (``canhgac worker``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")

app = Celery("canhgac")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["canhgac.core"])
