"""Duty and awareness at the scale of a province: 1,000 units keeping 24/7 duty over a holiday, one bulletin to all.

Run: .venv/bin/python benchmarks/duty.py [--units 1000] [--days 5] [--requests 50]
(a fresh SQLite database in a temporary data directory).

It makes 1,000 units (as ``benchmarks/directives.py`` does), each with a holiday roster of ``--days`` days in 3 × 8 h
shifts around today and three people, two of them on every shift — except one unit in ten, whose shift running now
is empty, and one in five, where nobody checked in. It then times:
  1. generating every roster's shifts through the service (15,000 shifts for 5 days);
  2. the watch (``duty.detect_gaps``, run every minute): the first run, which raises the alerts and tells the units
     in notices, and a steady run with nothing new (its budget is the minute between runs, its target 1 s);
  3. publishing a bulletin with a quiz to every unit (receipts and one notice each), target ≤ 30 s;
  4. through ``canhgac serve`` (waitress) over HTTP, as a SOC analyst: who is on duty now for the whole province
     (one page, every unit's people and gaps), a roster's week, the bulletin's page with every unit's receipt and
     result; target p95 ≤ 500 ms for the province screen, 300 ms for the others.
Figures taken while other work shares the machine are pessimistic.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from directives import make_soc_user, make_units  # the same province
from registry import free_port, report, signed_in_client, start_server, timings  # the same server handling

TARGET_WATCH_S = 1.0
TARGET_PUBLISH_S = 30.0
TARGET_NOW_MS = 500.0
TARGET_PAGE_MS = 300.0


def make_rosters(days: int) -> float:
    """Every unit's holiday roster and people; returns the seconds spent generating the shifts."""
    from django.utils import timezone

    from canhgac.constituency.models import Unit
    from canhgac.duty.models import DutyPerson, Roster
    from canhgac.duty.services import generate_shifts

    today = timezone.localdate()
    units = list(Unit.objects.order_by("pk"))
    Roster.objects.bulk_create(Roster(unit=unit, name=f"Trực lễ {unit.code}", holiday=True,
                                      starts_on=today - datetime.timedelta(days=1),
                                      ends_on=today + datetime.timedelta(days=days - 2)) for unit in units)
    DutyPerson.objects.bulk_create(DutyPerson(unit=unit, name=f"Cán bộ trực {n} {unit.code}",
                                              phone=f"09{n}{unit.pk:07d}") for unit in units for n in range(3))
    started = time.perf_counter()
    for roster in Roster.objects.all():
        generate_shifts(roster)
    return time.perf_counter() - started


def staff_shifts() -> None:
    from django.utils import timezone

    from canhgac.duty.models import Assignment, DutyPerson, Shift

    now = timezone.now()
    people: dict[int, list[int]] = {}
    for person_id, unit_id in DutyPerson.objects.values_list("pk", "unit_id"):
        people.setdefault(unit_id, []).append(person_id)
    rows = []
    for shift_id, unit_id, starts_at, ends_at in Shift.objects.values_list("pk", "roster__unit_id", "starts_at",
                                                                           "ends_at"):
        running = starts_at <= now < ends_at
        if running and unit_id % 10 == 0:
            continue  # nobody on it
        checked = now if running and unit_id % 5 != 1 else None
        rows += [Assignment(shift_id=shift_id, person_id=person, checked_in_at=checked)
                 for person in people[unit_id][:2]]
    Assignment.objects.bulk_create(rows, batch_size=2000)


def time_watch() -> tuple[float, float, object]:
    from canhgac.duty.services import detect_duty_gaps

    started = time.perf_counter()
    first = detect_duty_gaps()
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    detect_duty_gaps()
    return first_s, time.perf_counter() - started, first


def publish(user: object) -> tuple[float, int]:
    from canhgac.awareness.models import Bulletin
    from canhgac.awareness.services import publish_bulletin, save_bulletin

    quiz = ("Tin nhắn trúng thưởng đòi phí nhận quà là gì?\n- Quà thật\n* Lừa đảo\n\n"
            "Gặp đường link lạ thì?\n* Không bấm\n- Bấm thử")
    bulletin = save_bulletin(Bulletin(title="Cảnh giác lừa đảo dịp nghỉ lễ", body="Nội dung.\n\nĐoạn hai.",
                                      created_by=user), None, quiz=quiz)
    started = time.perf_counter()
    count = publish_bulletin(bulletin)
    return time.perf_counter() - started, count


def measure(base: str, count: int) -> bool:
    from canhgac.awareness.models import Bulletin
    from canhgac.duty.models import Roster

    client = signed_in_client(base)
    bulletin = Bulletin.objects.get()
    rosters = list(Roster.objects.values_list("pk", flat=True))

    def fetch(url: str, marker: str) -> None:
        response = client.get(url)
        if response.status_code != 200 or marker not in response.text:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    pages = {
        "on duty now, whole province": (lambda i: fetch("/duty/", 'id="on-duty"'), TARGET_NOW_MS),
        "a roster's week": (lambda i: fetch(f"/duty/rosters/{rosters[i * 37 % len(rosters)]}/", 'id="shifts"'),
                            TARGET_PAGE_MS),
        "rosters list": (lambda i: fetch(f"/duty/rosters/?page={1 + i % 20}", "<table"), TARGET_PAGE_MS),
        "bulletin with every unit's result": (lambda i: fetch(f"/awareness/{bulletin.pk}/", 'id="results"'),
                                              TARGET_PAGE_MS),
    }
    return all([report(label, timings(page, count), target) for label, (page, target) in pages.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50, help="requests per measured page")
    options = parser.parse_args()
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from canhgac.duty.models import Assignment, DutyAlert, Shift
    from canhgac.notifications.models import Notice

    call_command("init", verbosity=0)
    make_units(options.units)
    user = make_soc_user()
    generated = make_rosters(options.days)
    staff_shifts()
    print(f"generate {Shift.objects.count():,} shifts of {options.units:,} rosters: {generated:.1f} s; "
          f"{Assignment.objects.count():,} people on them")
    first, steady, found = time_watch()
    print(f"watch, first run: {first:.2f} s ({len(found.raised):,} alerts, {found.notices:,} notices); steady run: "
          f"{steady:.2f} s (target ≤ {TARGET_WATCH_S:.0f} s: {'met' if steady <= TARGET_WATCH_S else 'MISSED'}); "
          f"{DutyAlert.objects.count():,} alerts open")
    published, units = publish(user)
    print(f"publish a bulletin to {units:,} units: {published:.1f} s (target ≤ {TARGET_PUBLISH_S:.0f} s: "
          f"{'met' if published <= TARGET_PUBLISH_S else 'MISSED'}); {Notice.objects.count():,} notices in all")
    port = free_port()
    server = start_server(port)
    try:
        met = measure(f"http://127.0.0.1:{port}", options.requests)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"load while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    sys.exit(0 if met and steady <= TARGET_WATCH_S and published <= TARGET_PUBLISH_S else 1)


if __name__ == "__main__":
    main()
