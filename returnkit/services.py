"""Kits for leases: build the snapshot, reuse the stored one while the fingerprint holds, else draw its PDF
from the new snapshot (portal.pdf) and store both."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

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
    rules = dict(
        PlateRule.objects.filter(state__in={lease.registration_state for lease in leases}).values_list("state", "rule")
    )
    payloads = {}
    owed_by_lease = ledger.amounts_owed_many(lease.pk for lease in leases)
    for lease in leases:
        try:
            owed = owed_by_lease[lease.pk]
            payloads[lease.pk] = build_payload(
                lease, today=today, plate_rule=rules.get(lease.registration_state), owed=owed
            )
        except Exception:
            if not skip_failures:
                raise
            log.exception("No return kit for lease %s", lease.pk)
    prints = {lease_id: fingerprint(payload) for lease_id, payload in payloads.items()}
    stored = {
        (kit.lease_id, kit.fingerprint): kit
        for kit in KitSnapshot.objects.filter(lease__in=list(payloads), fingerprint__in=set(prints.values()))
    }
    kits, new, refiled = {}, [], []
    for lease in leases:
        if lease.pk not in payloads:
            continue
        kit = stored.get((lease.pk, prints[lease.pk]))
        fresh = kit is None
        if fresh:
            kit = KitSnapshot(lease=lease, fingerprint=prints[lease.pk], payload=payloads[lease.pk], prepared_on=today)
        kit.lease = lease
        # Every caller needs the PDF at once (the sweep attaches it before claiming, the link serves
        # it), so it is drawn here from the snapshot, and the rows are written in bulk below. A row
        # whose file has gone (storage moved or lost) is drawn again into the same row.
        if fresh or not KIT_PDF.is_stored(kit):
            try:
                KIT_PDF.attach(kit)
            except Exception:
                if not skip_failures:
                    raise
                log.exception("No return kit for lease %s", lease.pk)
                continue
            (new if fresh else refiled).append(kit)
        kits[lease.pk] = kit
    if new:
        # A concurrent request may have stored the same kit a moment ago: keep its row (its file stays
        # valid; ours is left over, which only costs disk). PostgreSQL and SQLite return the ids.
        KitSnapshot.objects.bulk_create(
            new, update_conflicts=True, unique_fields=["lease", "fingerprint"], update_fields=["pages"]
        )
    if refiled:
        KitSnapshot.objects.bulk_update(refiled, ["pdf", "pages"])
    return kits


def kit_for_lease(lease: Lease, *, today: dt.date) -> KitSnapshot:
    """One lease's kit (the lease page's link and the ``returnkit`` command), from fresh rows."""
    fresh = for_kits(Lease.objects.all()).get(pk=lease.pk)
    return kits_for_leases([fresh], today=today)[lease.pk]


def kit_pdf_bytes(kit: KitSnapshot) -> bytes:
    """The kit's stored PDF (drawn from the snapshot again if its file has gone)."""
    return KIT_PDF.read(kit)
