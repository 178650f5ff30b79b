"""The account ledger's read side, as other apps use it. (Billing fills this in.)"""

from decimal import Decimal

from leases.models import Lease


def amounts_owed(lease: Lease) -> tuple[Decimal, Decimal]:
    """(past due, unpaid personal property tax) on the account today, for quotes and the kit."""
    return Decimal("0.00"), Decimal("0.00")
