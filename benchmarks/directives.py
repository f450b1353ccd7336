"""Directive speed: one directive to 1,000 units with 10 tasks each, through the real job and a real server.

Run: .venv/bin/python benchmarks/directives.py [--units 1000] [--tasks 10] [--requests 100]
(a fresh SQLite database in a temporary data directory; LibreOffice must be installed for the PDF letter).

It seeds the operator and national bodies (``canhgac init``), makes 1,000 units of every kind with one or two
focal points each, and times:
  1. creating the directive (one recipient group of every kind, 10 tasks) and sending it as the console does: the
     job resolves the units, renders the letter (DOCX, then PDF with LibreOffice), makes 1,000 copies with 10,000
     task reports, and queues one notice per unit (in-app and e-mail deliveries, the letter attached);
  2. after a third of the units acknowledged and reported, the SOC's matrix of units × tasks through
     ``canhgac serve`` (waitress) over HTTP: pages 1–10, "not acknowledged", "overdue", a unit search;
and prints seconds, counts, median and p95. Targets on the 2-core reference machine: sending ≤ 60 s, matrix
p95 ≤ 300 ms. Figures taken while other work shares the machine are pessimistic.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry import PASSWORD, free_port, report, signed_in_client, start_server, timings  # the same server handling

TARGET_SEND_S = 60.0
TARGET_MATRIX_MS = 300.0
KINDS = ["department", "district", "commune", "hospital", "school", "public_service", "telecom", "it_provider",
         "enterprise", "provincial_body"]


def make_units(count: int) -> None:
    from canhgac.constituency.models import Contact, Unit

    rng = random.Random(2026)
    Unit.objects.bulk_create(Unit(code=f"DV{i:04d}", name=f"Đơn vị thử nghiệm số {i}", kind=rng.choice(KINDS))
                             for i in range(count))
    contacts = []
    for unit in Unit.objects.all():
        for person in range(rng.choice((1, 1, 2))):
            contacts.append(Contact(unit=unit, name=f"Cán bộ {person} {unit.code}", focal_point=True,
                                    email=f"antt{person}@{unit.code.lower()}.example.gov.vn"))
    Contact.objects.bulk_create(contacts)


def make_soc_user() -> object:
    from canhgac.accounts.models import User
    from canhgac.core.access import Role

    user = User.objects.create(username="bench", role=Role.SOC_ANALYST)
    user.set_password(PASSWORD)
    user.save()
    return user


def create_and_send(user: object, tasks: int) -> tuple[float, float, dict]:
    from django.utils import timezone

    from canhgac.directives.jobs import start_distribution
    from canhgac.directives.planning import GroupSpec, TaskSpec
    from canhgac.directives.services import create_directive, preset_fields

    started = time.perf_counter()
    fields = preset_fields("holiday")
    contacts = fields.pop("contacts")
    fields.pop("groups")
    fields.update(number="125/SKHCN-CNTT", report_deadline=timezone.now() + datetime.timedelta(days=5))
    group = GroupSpec("Các cơ quan, đơn vị, doanh nghiệp trên địa bàn tỉnh", KINDS, tasks=[
        TaskSpec(f"Nhiệm vụ {number}", f"Nội dung nhiệm vụ số {number} trong thời gian nghỉ lễ {{period}}.")
        for number in range(1, tasks + 1)])
    directive = create_directive(user, fields, [group], contacts)
    created = time.perf_counter() - started
    job = start_distribution(directive, user)  # dispatched to a thread of this process, as from the console
    finished = wait_for(job.pk)
    if finished.state != "succeeded":
        raise SystemExit(f"sending failed: {finished.error}")
    return created, time.perf_counter() - started, finished.result


def wait_for(job_id: int, limit: float = 600) -> object:
    from canhgac.core.models import Job

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.05)
    raise SystemExit(f"the sending job did not finish within {limit:.0f} s")


def some_answers(directive_id: int) -> None:
    """A third of the units acknowledged; their reports spread over the states."""
    from django.utils import timezone

    from canhgac.directives.models import Recipient, TaskReport

    rng = random.Random(5)
    copies = list(Recipient.objects.filter(directive_id=directive_id).values_list("pk", flat=True))
    answered = rng.sample(copies, len(copies) // 3)
    Recipient.objects.filter(pk__in=answered).update(acknowledged_at=timezone.now())
    for state in ("done", "partly", "not_applicable"):
        chosen = rng.sample(answered, len(answered) // 3)
        TaskReport.objects.filter(recipient_id__in=chosen, state="pending").update(
            state=state, note="Đã thực hiện theo yêu cầu", reported_at=timezone.now())


def measure(base: str, directive_id: int, count: int) -> bool:
    client = signed_in_client(base)
    url = f"/directives/{directive_id}/matrix/"
    rng = random.Random(7)

    def fetch(params: dict) -> None:
        response = client.get(url, params=params)
        if response.status_code != 200 or "matrix-table" not in response.text:
            raise SystemExit(f"{url} {params}: HTTP {response.status_code}")

    pages = {
        "matrix, pages 1–10 (100 units each)": lambda i: fetch({"page": 1 + i % 10}),
        "matrix, not acknowledged": lambda i: fetch({"status": "not_acknowledged", "page": 1 + i % 5}),
        "matrix, overdue (none yet)": lambda i: fetch({"status": "overdue"}),
        "matrix, unit search": lambda i: fetch({"q": f"DV{rng.randrange(1000):04d}"}),
    }
    return all([report(label, timings(page, count), TARGET_MATRIX_MS) for label, page in pages.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100, help="requests per measured page")
    options = parser.parse_args()
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from canhgac.directives.models import Directive
    from canhgac.notifications.models import Delivery, Notice

    call_command("init", verbosity=0)
    make_units(options.units)
    user = make_soc_user()
    created, sent, result = create_and_send(user, options.tasks)
    directive = Directive.objects.get()
    print(f"create the directive: {created:.2f} s; create and send to {result['units']:,} units × "
          f"{options.tasks} tasks: {sent:.1f} s (target ≤ {TARGET_SEND_S:.0f} s: "
          f"{'met' if sent <= TARGET_SEND_S else 'MISSED'})")
    print(f"  {result['tasks']:,} task reports, {Notice.objects.count():,} notices, "
          f"{Delivery.objects.filter(channel='email').count():,} e-mails queued, letter PDF: {result['pdf']} "
          f"({len(bytes(directive.letter_docx)):,} B DOCX, {len(bytes(directive.letter_pdf)):,} B PDF)")
    some_answers(directive.pk)
    port = free_port()
    server = start_server(port)
    try:
        met = measure(f"http://127.0.0.1:{port}", directive.pk, options.requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    sys.exit(0 if met and sent <= TARGET_SEND_S else 1)


if __name__ == "__main__":
    main()
