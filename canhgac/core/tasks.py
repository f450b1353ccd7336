from celery import shared_task

from canhgac.core import jobs


@shared_task(name="canhgac.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    return jobs.execute(job_id).state
