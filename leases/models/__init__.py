"""The leases app's models, one module per topic; billing's live in ``leases.billing.models``.

Django finds every model of the app through this module, so each one is imported here.
"""

from leases.billing.models import (
    AchFile,
    AuctionSale,
    BalanceHold,
    BankAccount,
    EquipmentCharge,
    FinalBill,
    Inspection,
    LedgerEntry,
    Payment,
    Refund,
)
from leases.models.dealers import Dealer
from leases.models.extensions import ExtensionRequest
from leases.models.fields import US_STATES, MoneyField, SignedMoneyField
from leases.models.lease import (
    VOID_REASON_MAX,
    InvalidTransition,
    Lease,
    LeaseParty,
    LeaseQuerySet,
    Lessee,
    Mileage,
    OdometerProjection,
    OdometerReading,
)
from leases.models.vehicles import Make, Vehicle, VehicleEquipment

__all__ = [
    "US_STATES",
    "VOID_REASON_MAX",
    "AchFile",
    "AuctionSale",
    "BalanceHold",
    "BankAccount",
    "Dealer",
    "EquipmentCharge",
    "ExtensionRequest",
    "FinalBill",
    "Inspection",
    "InvalidTransition",
    "Lease",
    "LeaseParty",
    "LeaseQuerySet",
    "LedgerEntry",
    "Lessee",
    "Make",
    "Mileage",
    "MoneyField",
    "OdometerProjection",
    "OdometerReading",
    "Payment",
    "Refund",
    "SignedMoneyField",
    "Vehicle",
    "VehicleEquipment",
]
