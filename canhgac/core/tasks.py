"""Celery tasks: thin, they carry a job's id (or a periodic task's name) and the worker reads the rest from the
database."""

from canhgac.celery import app
from canhgac.core import jobs, schedule


# Bound to our app, not ``shared_task``: a web process never imports canhgac.celery otherwise, and a shared task
# then falls back to Celery's default app, which sends to amqp://localhost instead of CANHGAC_BROKER_URL.
@app.task(name="canhgac.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    return jobs.execute(job_id).state


@app.task(name="canhgac.run_periodic", ignore_result=True)
def run_periodic(name: str) -> bool:
    """A periodic task sent by Celery beat (``canhgac worker --beat``); see :mod:`canhgac.core.schedule`."""
    return schedule.run_task(name)
