"""Billing, inside the leases app: ledger, final bill, payments, ACH, refunds, statements."""
