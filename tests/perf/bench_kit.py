"""Return kit and reminder figures: kit render time, and the daily sweep over a seeded portfolio.

A script, not a test (pytest does not collect it): run from the project root with
    .venv/bin/python tests/perf/bench_kit.py [--leases 100000] [--chunks 8] [--renders 20] [--kit-only]

It uses DATABASE_URL (default: the bench database `scripts/bench` uses), seeds the portfolio with
`seed_demo --leases` if it holds fewer leases, and prints:
- kit: the first render in the process; then median and p95 of one lease's kit laid out whole (the
  lessor's shared pages laid out again each time) and split (the shared pages kept from an earlier
  kit, as in a worker that has drawn one), wall and CPU time, and kits a core renders a minute;
- memory: a worker process's RSS after 50 and after 500 kit renders, with no recycling and with the
  Celery setting (worker_max_tasks_per_child) applied by the same pool Celery's prefork workers use;
- sweep: seconds to find the due leases and hand out their ids, per kind;
- chunks: queries per chunk and emails a second, wall and per core by CPU (the kit-sending rate), for
  follow-ups (no PDF) and for kits (a PDF rendered and attached each), measured on the first chunks
  of each kind; then the same chunks and the sweep again, to show nothing goes twice.
Everything the run creates (reminders, notices, kits and their files) is deleted at the end, so the
bench database stays as it was.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leaseportal_bench")
os.environ["EMAIL_URL"] = "locmem://"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
MEDIA = tempfile.TemporaryDirectory(prefix="bench-kit-")
os.environ["MEDIA_ROOT"] = MEDIA.name

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from leases.billing import ledger  # noqa: E402
from leases.models import Lease  # noqa: E402
from portal import clock  # noqa: E402
from portal.models import Notification  # noqa: E402
from returnkit import reminders  # noqa: E402
from returnkit.kit import build_payload  # noqa: E402
from returnkit.models import KitSnapshot, PlateRule, Reminder  # noqa: E402
from returnkit.render import clear_shared, render_kit  # noqa: E402
from returnkit.services import for_kits  # noqa: E402


def ensure_portfolio(count: int) -> int:
    call_command("migrate", verbosity=0)
    have = Lease.objects.count()
    if have < count:
        print(f"seeding {count - have:,} leases …", flush=True)
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", leases=count - Lease.objects.count(), verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return Lease.objects.count()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def bench_render(today, renders: int) -> int:
    """The kit laid out whole (the shared pages laid out again each time, as before issue 16) and
    split (the lessee's pages only, the lessor's shared pages kept from an earlier kit), taken in
    turns so both see the same machine; wall time and the process's CPU time (the machine is shared:
    CPU time is what a render costs a core)."""
    lease = for_kits(
        Lease.objects.filter(status__in=Lease.Status.open_values(), odometer_readings__source="lessee")
    ).first()
    rule = PlateRule.objects.filter(state=lease.registration_state).values_list("rule", flat=True).first()
    payload = build_payload(lease, today=today, plate_rule=rule, owed=ledger.amounts_owed(lease))
    start, cpu = time.perf_counter(), time.process_time()
    kit = render_kit(payload, prepared_on=today)  # the process's first: templates, fonts, stylesheet, shared pages
    print(f"kit, first render in a process: {_ms(time.perf_counter() - start)} ({_ms(time.process_time() - cpu)} CPU)")
    runs: dict[str, tuple[list[float], list[float]]] = {"whole": ([], []), "split": ([], [])}
    for _ in range(renders):
        for kind, (wall, cpu_times) in runs.items():
            if kind == "whole":
                clear_shared()
            start, cpu = time.perf_counter(), time.process_time()
            kit = render_kit(payload, prepared_on=today)
            wall.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu)
    for kind, (wall, cpu_times) in runs.items():
        label = "laid out whole" if kind == "whole" else "split, shared pages warm"
        print(
            f"kit {label}: median {_ms(statistics.median(wall))}, p95 {_ms(_p95(wall))} of {renders} "
            f"(CPU median {_ms(statistics.median(cpu_times))}, p95 {_ms(_p95(cpu_times))}); "
            f"{60 / statistics.median(cpu_times):,.0f} kits a minute per core (by CPU)"
        )
    print(f"  {kit.pages} pages, {len(kit.pdf) / 1024:.0f} KiB; load average {os.getloadavg()[0]:.1f}")
    return lease.pk


_payload = None


def _render_in_child(lease_pk: int) -> float:
    """One kit rendered in a pool process; answers the process's RSS in MiB afterwards."""
    global _payload
    if _payload is None:
        today = clock.today()
        lease = for_kits(Lease.objects.filter(pk=lease_pk)).get()
        rule = PlateRule.objects.filter(state=lease.registration_state).values_list("rule", flat=True).first()
        _payload = build_payload(lease, today=today, plate_rule=rule, owed=ledger.amounts_owed(lease))
    render_kit(_payload, prepared_on=clock.today())
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_memory(lease_pk: int, renders: int) -> None:
    """RSS of the rendering process after 50 and after ``renders`` kits, in billiard's pool (what
    Celery's prefork workers are), without and with the project's worker_max_tasks_per_child."""
    import billiard
    from django.conf import settings

    def run(max_tasks: int | None) -> tuple[float, float]:
        connection.close()  # each pool process opens its own
        with billiard.Pool(1, maxtasksperchild=max_tasks) as pool:
            rss = [pool.apply(_render_in_child, (lease_pk,)) for _ in range(renders)]
        return rss[49], rss[-1]

    for label, max_tasks in (("no recycling", None), ("settings", settings.CELERY_WORKER_MAX_TASKS_PER_CHILD)):
        at_50, at_end = run(max_tasks)
        print(
            f"worker memory, {label} (max tasks per child {max_tasks}): RSS {at_50:.0f} MiB after 50 kits, "
            f"{at_end:.0f} MiB after {renders} ({(at_end / at_50 - 1) * 100:+.0f}%)"
        )


def hand_out(today) -> tuple[dict, dict, float]:
    chunks: dict[str, list[list[int]]] = {kind: [] for kind in Reminder.Kind.values}
    start = time.perf_counter()
    counts = reminders.sweep(today, enqueue=lambda ids, kind, _day: chunks[kind].append(ids))
    return counts, chunks, time.perf_counter() - start


def run_chunks(kind: str, chunks: list[list[int]], today) -> tuple[int, float, float, list[str]]:
    """Emails sent, seconds, CPU seconds, and each chunk's query count ("+N ledger": billing's
    per-lease reads)."""
    sent, seconds, cpu, queries = 0, 0.0, 0.0, []
    for ids in chunks:
        mail.outbox = []
        with CaptureQueriesContext(connection) as ctx:
            start, cpu_start = time.perf_counter(), time.process_time()
            result = reminders.send_chunk(ids, kind, today)
            seconds += time.perf_counter() - start
            cpu += time.process_time() - cpu_start
        ledger_reads = sum(1 for q in ctx.captured_queries if "ledgerentry" in q["sql"])
        queries.append(f"{len(ctx) - ledger_reads}" + (f" +{ledger_reads} ledger" if ledger_reads else ""))
        sent += result.sent
        assert len(mail.outbox) == result.sent
    return sent, seconds, cpu, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leases", type=int, default=int(os.environ.get("BENCH_LEASES", "100000")))
    parser.add_argument("--chunks", type=int, default=8, help="follow-up chunks measured per kind")
    parser.add_argument("--kit-chunk", type=int, default=40, help="leases in the measured kit chunk")
    parser.add_argument("--renders", type=int, default=20, help="kits timed each way (whole, split)")
    parser.add_argument("--memory-renders", type=int, default=500, help="kits per worker for memory; 0 skips")
    parser.add_argument("--kit-only", action="store_true", help="the kit's render and memory only, not the sweep")
    args = parser.parse_args()
    setup_test_environment()  # the local-memory outbox
    today = clock.today()
    total = ensure_portfolio(args.leases)
    marks = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model in (Reminder, Notification, KitSnapshot)}
    print(f"portfolio: {total:,} leases; today {today}; {connection.vendor}")
    lease_pk = bench_render(today, args.renders)
    if args.memory_renders >= 50:
        bench_memory(lease_pk, args.memory_renders)
    if args.kit_only:
        MEDIA.cleanup()
        return
    try:
        counts, chunks, seconds = hand_out(today)
        print(
            f"sweep: {seconds:.2f} s to find {sum(counts.values()):,} due reminders over {total:,} leases and hand "
            f"them out in {sum(len(c) for c in chunks.values()):,} chunks of {reminders.CHUNK_SIZE}: "
            + ", ".join(f"{kind} {count:,}" for kind, count in counts.items())
        )
        measured: dict[str, list[list[int]]] = {}
        for kind, kind_chunks in chunks.items():
            if kind == Reminder.Kind.KIT_120:
                picked = [kind_chunks[0][: args.kit_chunk]] if kind_chunks else []
            else:
                picked = kind_chunks[: args.chunks]
            if not picked:
                continue
            measured[kind] = picked
            sent, secs, cpu, queries = run_chunks(kind, picked, today)
            sizes = sorted({len(ids) for ids in picked})
            print(
                f"  {kind:<12} {len(picked)} chunk(s) of {'/'.join(map(str, sizes))}: {sent:,} emails in "
                f"{secs:.2f} s = {sent / secs:,.0f} emails/s ({sent / cpu:,.1f} a second per core by CPU, "
                f"{60 * sent / cpu:,.0f} a minute); queries per chunk {', '.join(sorted(set(queries)))}"
            )
        again = sum(run_chunks(kind, picked, today)[0] for kind, picked in measured.items())
        after, _, seconds = hand_out(today)
        print(
            f"same chunks again: {again} emails; sweep again: {seconds:.2f} s, due now "
            + ", ".join(f"{kind} {count:,} (was {counts[kind]:,})" for kind, count in after.items())
        )
    finally:
        for model, mark in marks.items():
            model.objects.filter(pk__gt=mark).delete()
        MEDIA.cleanup()


if __name__ == "__main__":
    main()
