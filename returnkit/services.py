"""Kits for leases: build the snapshot, reuse the stored one while the fingerprint holds, else draw its PDF
from the new snapshot (portal.pdf) and store both."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from functools import partial

from leases.billing import ledger
from leases.models import Lease, LeaseQuerySet
from returnkit.kit import build_payload, fingerprint
from returnkit.models import KitSnapshot, PlateRule
from returnkit.render import KIT_PDF

log = logging.getLogger(__name__)


def for_kits(leases: LeaseQuerySet) -> LeaseQuerySet:
    """``leases`` with everything building their kits reads, in a fixed number of queries: the days
    waiting for review and the vehicle with its make in the leases' own query, then one query each
    for the parties, the odometer readings and the vehicles' equipment."""
    return (
        leases.with_extension_days_in_review()
        .with_vehicle()
        .with_parties()
        .with_odometer_readings()
        .with_vehicle_equipment()
    )


def kits_for_leases(leases: Sequence[Lease], *, today: dt.date, skip_failures: bool = False) -> dict[int, KitSnapshot]:
    """The current kit of each lease (lease id → snapshot), in a constant number of queries.

    Expects the leases loaded ``for_kits()``. A PDF is rendered only for a lease whose data gives
    a fingerprint no stored kit has. With ``skip_failures`` a lease whose kit cannot be built is
    logged and left out, so one bad lease does not hold up a whole chunk.
    """
    if not leases:
        return {}
    payloads = _payloads(leases, today=today, skip_failures=skip_failures)
    kits = _current_kits(leases, payloads, today=today)
    # Every caller needs the PDF at once (the sweep attaches it before claiming, the link serves
    # it), so it is drawn here from the snapshot, and the rows are written in bulk after.
    new, refiled = _draw_pdfs(kits, skip_failures=skip_failures)
    _save(new, refiled)
    return kits


def _payloads(leases: Sequence[Lease], *, today: dt.date, skip_failures: bool) -> dict[int, dict]:
    """Each lease's kit payload (lease id → payload), with the plate rules and the amounts owed of
    all the leases read in one query each."""
    states = {lease.registration_state for lease in leases}
    rules = {
        state: (rule, rule_es)
        for state, rule, rule_es in PlateRule.objects.filter(state__in=states).values_list("state", "rule", "rule_es")
    }
    owed = ledger.amounts_owed_many(lease.pk for lease in leases)
    payloads = {}
    for lease in leases:
        rule, rule_es = rules.get(lease.registration_state, (None, None))
        build = partial(build_payload, lease, today=today, plate_rule=rule, plate_rule_es=rule_es, owed=owed[lease.pk])
        payload = _unless_skipped(build, lease, skip_failures=skip_failures)
        if payload is not None:
            payloads[lease.pk] = payload
    return payloads


def _current_kits(leases: Sequence[Lease], payloads: dict[int, dict], *, today: dt.date) -> dict[int, KitSnapshot]:
    """Each lease's kit: the stored one with its payload's fingerprint, else a new one (unsaved,
    without its PDF yet). One query for all of them."""
    prints = {lease_id: fingerprint(payload) for lease_id, payload in payloads.items()}
    stored = {
        (kit.lease_id, kit.fingerprint): kit
        for kit in KitSnapshot.objects.filter(lease__in=list(payloads), fingerprint__in=set(prints.values()))
    }
    kits = {}
    for lease in leases:
        if lease.pk not in payloads:
            continue  # its payload could not be built (logged)
        kit = stored.get((lease.pk, prints[lease.pk]))
        if kit is None:
            kit = KitSnapshot(lease=lease, fingerprint=prints[lease.pk], payload=payloads[lease.pk], prepared_on=today)
        kit.lease = lease  # the loaded lease: the PDF's path and file name read it, with no query
        kits[lease.pk] = kit
    return kits


def _draw_pdfs(kits: dict[int, KitSnapshot], *, skip_failures: bool) -> tuple[list[KitSnapshot], list[KitSnapshot]]:
    """Draw the PDF of each new kit, and again of each stored kit whose file has gone (storage
    moved or lost) into the same row: returns (new, refiled). A kit whose PDF cannot be drawn is
    taken out of ``kits`` (with ``skip_failures``; else the error propagates)."""
    new, refiled = [], []
    for lease_id, kit in list(kits.items()):
        fresh = kit.pk is None
        if not fresh and KIT_PDF.is_stored(kit):
            continue
        if _unless_skipped(partial(KIT_PDF.attach, kit), kit.lease, skip_failures=skip_failures) is None:
            del kits[lease_id]
        else:
            (new if fresh else refiled).append(kit)
    return new, refiled


def _save(new: list[KitSnapshot], refiled: list[KitSnapshot]) -> None:
    """Insert the new kits and update the refiled ones, one query each."""
    if new:
        # A concurrent request may have stored the same kit a moment ago: keep its row (its file stays
        # valid; ours is left over, which only costs disk). PostgreSQL and SQLite return the ids.
        KitSnapshot.objects.bulk_create(
            new, update_conflicts=True, unique_fields=["lease", "fingerprint"], update_fields=["pages"]
        )
    if refiled:
        KitSnapshot.objects.bulk_update(refiled, ["pdf", "pages"])


def _unless_skipped[T](step: Callable[[], T], lease: Lease, *, skip_failures: bool) -> T | None:
    """``step()``; or, when it fails and failures are skipped, None, with the error logged."""
    try:
        return step()
    except Exception:
        if not skip_failures:
            raise
        log.exception("No return kit for lease %s", lease.pk)
        return None


def kit_for_lease(lease: Lease, *, today: dt.date) -> KitSnapshot:
    """One lease's kit (the lease page's link and the ``returnkit`` command), from fresh rows."""
    fresh = for_kits(Lease.objects.all()).get(pk=lease.pk)
    return kits_for_leases([fresh], today=today)[lease.pk]


def kit_pdf_bytes(kit: KitSnapshot) -> bytes:
    """The kit's stored PDF (drawn from the snapshot again if its file has gone)."""
    return KIT_PDF.read(kit)
