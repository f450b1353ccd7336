"""Feed import speed: a 1,000,000-IP list (about 30 % inside the province) against 5,000 netblocks, end to end.

Run: .venv/bin/python benchmarks/feeds.py [--ips 1000000] [--netblocks 5000] [--seed 2026]
(with CANHGAC_DATABASE_URL=postgresql://user@host/db the run uses a fresh database ``<db>_bench_feeds`` on that
server, dropped afterwards; the default is a fresh SQLite database in a temporary data directory).

From a fixed seed it builds 1,000 units, their netblocks (/20–/24, a tenth with nested /26–/28 blocks of other
units), 20,000 assets with addresses in them, and a plain list of listed IPs, then times what an operator waits for,
each through the same job the console and ``canhgac feed import`` run:
  1. the monthly list: file → job → parsed, matched, hits and findings stored;
  2. the same file again (recognised by its hash, nothing counted twice);
  3. next month's list (90 % of the same IPs, a tenth of last month's findings resolved meanwhile);
  4. a 10,000-IP list.
It prints seconds (and the split between reading/matching and storing), IPs per second, this process's CPU time,
the peak memory of the process (``ru_maxrss``) and the load average before and after: on a shared machine the wall
time of the store step includes the database server's waits for a CPU, so compare runs at a similar load.
Targets on the 2-core reference machine: ≥ 200,000 IPs/s end to end, ≤ 1 GB, a 10,000-IP list ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_IPS_PER_SECOND = 200_000
TARGET_PEAK_MB = 1024
TARGET_SMALL_LIST_S = 1.0
FIRST_OCTETS = [14, 27, 42, 58, 103, 113, 115, 116, 117, 118, 123, 125, 171, 183, 203, 222]


def build_blocks(count: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """(first, prefix length, unit number): top-level blocks carved without overlap, a tenth with a nested child."""
    blocks: list[tuple[int, int, int]] = []
    slash16s = rng.sample([(octet << 24) | (second << 16) for octet in FIRST_OCTETS for second in range(256)],
                          k=count // 8 + 16)
    cursor = {base: 0 for base in slash16s}
    while len(blocks) < count:
        base = rng.choice(slash16s)
        prefix = rng.choices([20, 21, 22, 23, 24], weights=[1, 2, 3, 2, 2])[0]
        size = 1 << (32 - prefix)
        start = (cursor[base] + size - 1) // size * size
        if start + size > 1 << 16:
            continue
        cursor[base] = start + size
        unit = rng.randrange(1000)
        blocks.append((base + start, prefix, unit))
        if rng.random() < 0.1 and len(blocks) < count:
            child_prefix = rng.choice([26, 27, 28])
            child = base + start + rng.randrange(size >> (32 - child_prefix)) * (1 << (32 - child_prefix))
            blocks.append((child, child_prefix, (unit + 1 + rng.randrange(999)) % 1000))
    return blocks


def build_list(blocks: list[tuple[int, int, int]], ips: int, rng: random.Random, share: float = 0.3) -> list[int]:
    weights = [1 << (32 - prefix) for _first, prefix, _unit in blocks]
    inside = [rng.randrange(first, first + (1 << (32 - prefix)))
              for first, prefix, _unit in rng.choices(blocks, weights=weights, k=int(ips * share))]
    outside = [rng.randrange(1 << 24, 224 << 24) for _ in range(ips - len(inside))]
    listed = inside + outside
    rng.shuffle(listed)
    return listed


def write_list(path: Path, values: list[int]) -> None:
    import ipaddress

    with path.open("w") as out:
        out.write("# Danh sách IP botnet — benchmark\n")
        out.writelines(f"{ipaddress.IPv4Address(value)}\n" for value in values)


def load_registry(blocks: list[tuple[int, int, int]], rng: random.Random) -> None:
    import ipaddress

    from canhgac.constituency.addressing import parse_block
    from canhgac.constituency.models import Asset, AssetAddress, Netblock, Unit

    units = Unit.objects.bulk_create([Unit(code=f"DV{i:04d}", name=f"Đơn vị {i}") for i in range(1000)])
    rows = []
    for first, prefix, unit in blocks:
        parsed = parse_block(f"{ipaddress.IPv4Address(first)}/{prefix}")
        rows.append(Netblock(unit=units[unit], block=parsed.label(), version=4, first_key=parsed.keys[0],
                             last_key=parsed.keys[1], span_key=parsed.keys[2]))
    Netblock.objects.bulk_create(rows, batch_size=2000)
    roles = ["server", "workstation", "web_portal", "mail", "vpn", "edge", "database", "iot"]
    assets, addresses = [], []
    for number, (first, prefix, unit) in enumerate(rng.sample(blocks, k=min(len(blocks), 20_000))):
        address = ipaddress.IPv4Address(first + rng.randrange(1 << (32 - prefix)))
        assets.append(Asset(unit=units[unit], name=f"may-{number:05d}", role=rng.choice(roles),
                            ip_addresses=str(address)))
        addresses.append((len(assets) - 1, address))
    Asset.objects.bulk_create(assets, batch_size=2000)
    AssetAddress.objects.bulk_create([AssetAddress(asset=assets[index], address=str(address), version=4,
                                                   key=f"{int(address):032x}") for index, address in addresses],
                                     batch_size=2000)


def timed_import(path: Path, period: str, reference: str) -> tuple[float, dict]:
    from canhgac.core import jobs
    from canhgac.intel.services import create_feed_job

    started, cpu = time.perf_counter(), time.process_time()
    job = create_feed_job(path, "vncert-botnet", reference=reference, period=period, user=None, channel="cli")
    job = jobs.execute(job.pk)  # in this process, as the CLI's job runs without a broker
    elapsed = time.perf_counter() - started
    if job.state != "succeeded":
        raise SystemExit(f"the import failed: {job.error}")
    return elapsed, {**job.result, "cpu": time.process_time() - cpu}


def report(label: str, elapsed: float, ips: int, result: dict) -> None:
    findings, seconds = result["findings"], result.get("seconds") or {}
    split = f" (read and match {seconds['read']:.2f} s, store {seconds['store']:.2f} s)" if seconds else ""
    print(f"{label}: {elapsed:.2f} s{split}, {ips / elapsed:,.0f} IPs/s; this process's CPU {result['cpu']:.2f} s "
          f"— {result['valid']:,} valid, {result['matched']:,} "
          f"in the province ({result['units_affected']} units), {result['outside']:,} outside, duplicates "
          f"{result['duplicates']:,}; findings opened {findings['opened']:,}, still listed {findings['refreshed']:,}, "
          f"reopened {findings['reopened']:,}, verified {findings['verified']:,}"
          + (" (already imported)" if result["duplicate"] else ""))


def fresh_database() -> str | None:
    """A fresh PostgreSQL database beside the configured one (returned to be dropped), or a fresh SQLite dir."""
    url = os.environ.get("CANHGAC_DATABASE_URL", "")
    os.environ["CANHGAC_DATA_DIR"] = tempfile.mkdtemp(prefix="canhgac-bench-")
    if not url:
        return None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'canhgac'}_bench_feeds"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["CANHGAC_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return urlunsplit(parts._replace(path="/postgres")) + "\n" + name


def drop_database(handle: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, name = handle.split("\n")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ips", type=int, default=1_000_000)
    parser.add_argument("--netblocks", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--inside", type=float, default=0.3, help="share of the listed IPs inside the province")
    options = parser.parse_args()
    handle = fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canhgac.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        run(options, connection.vendor)
    finally:
        if handle:
            drop_database(handle)


def run(options: argparse.Namespace, vendor: str) -> None:
    from canhgac.findings.models import Finding

    rng = random.Random(options.seed)
    blocks = build_blocks(options.netblocks, rng)
    load_registry(blocks, rng)
    folder = Path(tempfile.mkdtemp(prefix="canhgac-bench-feeds-"))
    month1 = build_list(blocks, options.ips, rng, options.inside)
    write_list(folder / "botnet-2026-01.txt", month1)
    kept = rng.sample(month1, k=int(len(month1) * 0.9))
    month2 = kept + build_list(blocks, len(month1) - len(kept), rng, options.inside)
    rng.shuffle(month2)
    write_list(folder / "botnet-2026-02.txt", month2)
    write_list(folder / "botnet-small.txt", build_list(blocks, 10_000, rng, options.inside))
    size = (folder / "botnet-2026-01.txt").stat().st_size
    print(f"{vendor}: {len(blocks):,} netblocks in 1,000 units, 20,000 assets; list of {options.ips:,} IPs "
          f"({size / 1e6:.1f} MB, {options.inside:.0%} inside the province); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    elapsed, result = timed_import(folder / "botnet-2026-01.txt", "2026-01", "123/VNCERT-ĐPƯC")
    report("1. monthly list", elapsed, options.ips, result)
    first_rate = options.ips / elapsed
    elapsed, result = timed_import(folder / "botnet-2026-01.txt", "2026-01", "123/VNCERT-ĐPƯC")
    report("2. same file again", elapsed, options.ips, result)
    opened = Finding.objects.filter(origin="vncert-botnet")
    resolved = list(opened.values_list("pk", flat=True)[: opened.count() // 10])
    Finding.objects.filter(pk__in=resolved).update(state="resolved")
    elapsed, result = timed_import(folder / "botnet-2026-02.txt", "2026-02", "245/VNCERT-ĐPƯC")
    report("3. next month", elapsed, options.ips, result)
    small_elapsed, result = timed_import(folder / "botnet-small.txt", "2026-03", "301/VNCERT-ĐPƯC")
    report("4. 10,000-IP list", small_elapsed, 10_000, result)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:.0f} MB; load average now {os.getloadavg()[0]:.1f} (others' work slows every figure)")
    verdict = (first_rate >= TARGET_IPS_PER_SECOND, peak_mb <= TARGET_PEAK_MB, small_elapsed <= TARGET_SMALL_LIST_S)
    print(f"targets: ≥ {TARGET_IPS_PER_SECOND:,} IPs/s {'met' if verdict[0] else 'MISSED'}; ≤ {TARGET_PEAK_MB} MB "
          f"{'met' if verdict[1] else 'MISSED'}; 10,000 IPs ≤ {TARGET_SMALL_LIST_S:.0f} s "
          f"{'met' if verdict[2] else 'MISSED'}")


if __name__ == "__main__":
    main()
