"""Dealer staff as recorders of condition reports (wear), for vehicles checked in at their dealership.

wear cannot import this app, so ``TurnInConfig.ready`` adds ``dealer_recorder`` to
``wear.access.RECORDER_ROLES``.
"""

from __future__ import annotations

from leases.models import Lease
from returnkit.turnin.models import DealerStaff, TurnIn
from wear.access import Recorder
from wear.models import ConditionReport


def dealer_recorder(user) -> Recorder | None:
    staff = DealerStaff.objects.select_related("dealer").filter(user=user).first()
    if staff is None:
        return None
    dealer = staff.dealer

    def checked_in_here(lease: Lease) -> bool:
        return TurnIn.objects.filter(lease=lease, dealer=dealer).exists()

    return Recorder(ConditionReport.Role.DEALER, dealer=dealer, may_start=checked_in_here)
