"""Online payments (one-time ACH debits) of a final bill or a buyout quote; settling and returns."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leases.billing import emails, fieldcrypt, holds, ledger, nacha
from leases.billing.cancelling import cancel_sentence
from leases.billing.errors import BuyoutQuoteOutdated, PaymentRefused
from leases.billing.refunds import lease_close_if_settled
from leases.models import (
    BankAccount,
    FinalBill,
    Lease,
    LedgerEntry,
    Payment,
)
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import long_date, money, usd

MIN_PAYMENT = Decimal("1.00")
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: easy to read aloud


@dataclass(frozen=True)
class BankDetails:
    holder_name: str
    routing_number: str
    account_number: str
    account_type: str  # BankAccount.Type


_AUTHORIZATION_TERMS = _(
    "The debit may be made on or after today, or on the next business day if today is not one. "
    "I confirm that I may use this account and that this is a one-time payment, not a recurring one. "
    "If my bank returns the debit unpaid, the amount goes back on my balance. "
)


def authorization_text(lease: Lease) -> str:
    """The words the lessee agrees to before a debit (shown on the form and stored as shown)."""
    lessor = settings.LESSOR
    return (
        gettext(
            "I authorize %(lessor)s to make one electronic debit (ACH) from the bank account I entered "
            "above, for the amount I entered above, as a payment on lease account %(account)s. "
        )
        % dict(lessor=lessor["name"], account=lease.account_number)
        + str(_AUTHORIZATION_TERMS)
        + cancel_sentence(first_person=True)
    )


def buyout_authorization_text(lease: Lease, *, quote_reference: str, amount: Decimal) -> str:
    """The words agreed to before the debit that buys the vehicle: the amount is the quote's."""
    lessor = settings.LESSOR
    return (
        gettext(
            "I authorize %(lessor)s to make one electronic debit (ACH) of %(amount)s from the bank "
            "account I entered above, to buy the vehicle on lease account %(account)s as set out "
            "in buyout quote %(quote)s. "
        )
        % dict(lessor=lessor["name"], amount=usd(amount), account=lease.account_number, quote=quote_reference)
        + str(_AUTHORIZATION_TERMS)
        + cancel_sentence(first_person=True)
    )


def payment_limits(balance: Decimal) -> tuple[Decimal, Decimal]:
    """The smallest and largest online payment against this balance: $1 (or less, to clear a
    balance below a dollar) up to the balance itself."""
    return min(MIN_PAYMENT, balance), balance


FOREIGN_DIGITS = _(
    "Please type the digits with the keys 0 to 9: this field has digits from another script, which banks cannot read."
)
_ROUTING_MESSAGES = {
    "foreign_digits": FOREIGN_DIGITS,
    "routing_length": _("A routing number has exactly 9 digits."),
    "routing_check": _(
        "That routing number is not valid (its check digit does not match). "
        "Check the 9 digits at the bottom left of a check or in your bank's app."
    ),
    "routing_prefix": _(
        "That routing number does not belong to a US bank (no bank's number starts that way). "
        "Check the 9 digits at the bottom left of a check or in your bank's app."
    ),
}


def routing_number_check(value: str) -> str:
    """The routing number as a bank file carries it, or a ValidationError saying what is wrong."""
    digits = value.strip()
    if problem := nacha.routing_number_problem(digits):
        raise ValidationError(_ROUTING_MESSAGES[problem], code=problem)
    return digits


def account_number_check(value: str) -> str:
    """The account number without spaces, or a ValidationError: 4 to 17 digits 0-9."""
    number = value.strip().replace(" ", "")
    if problem := nacha.account_number_problem(number):
        message = FOREIGN_DIGITS if problem == "foreign_digits" else _("An account number has 4 to 17 digits.")
        raise ValidationError(message, code=problem)
    return number


def payment_for_key(*, lease: Lease, user, idempotency_key) -> Payment | None:
    """The payment a pay form already made, if this form was submitted before."""
    return Payment.objects.filter(idempotency_key=idempotency_key, lease=lease, authorized_by=user).first()


@dataclass(frozen=True)
class Debit:
    """One submitted pay form: who authorized a debit from which account, in which words, from
    where. The idempotency key is the form's own, so a double click or a replay finds the first
    payment instead of making a second."""

    user: object
    bank: BankDetails
    idempotency_key: uuid.UUID
    authorization: str
    ip: str | None = None


def payment_create(
    *, lease: Lease, amount: Decimal, debit: Debit, today: dt.date,
    purpose: str = Payment.Purpose.BALANCE, quote_reference: str = "",
) -> Payment:  # fmt: skip
    """Make one online debit and post it to the ledger, exactly once per idempotency key.

    Requests for one lease are serialised on the lease row, so the balance check and the insert
    cannot interleave; a request that repeats a key gets the payment the key already made (the
    unique key is the last word should anything bypass the lock). ``purpose="buyout"``: the
    caller posted the purchase lines first and the debit must clear the balance.
    """
    amount = money(amount)
    routing_number_check(debit.bank.routing_number)
    account_number_check(debit.bank.account_number)
    try:
        with transaction.atomic():
            Lease.objects.select_for_update().filter(pk=lease.pk).first()
            if existing := _payment_for_debit(debit, lease=lease):
                return existing
            _payment_allowed(lease=lease, amount=amount, purpose=purpose)
            payment = _payment_record(lease=lease, amount=amount, debit=debit, today=today, purpose=purpose)
            payment.quote_reference = quote_reference
            payment.save(force_insert=True)
            ledger.entry_post(
                lease=lease,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-amount,
                posted_on=today,
                memo=f"Online payment {payment.reference} from {payment.bank_account}",
                user=debit.user,
                payment=payment,
            )
            enqueue_on_commit(emails.payment_receipt_send, payment.pk)
            notify(
                lease,
                Kind.PAYMENT_RECEIVED,
                url=link("leases:receipt", lease.public_id, payment.public_id),
                key=payment.pk,
            )
            return payment
    except IntegrityError:
        if existing := _payment_for_debit(debit, lease=lease):
            return existing
        raise


def _payment_record(*, lease: Lease, amount: Decimal, debit: Debit, today: dt.date, purpose: str) -> Payment:
    """The bank account as entered (its number encrypted) and the payment, not yet saved."""
    bank = debit.bank
    account = BankAccount.objects.create(
        lease=lease,
        holder_name=bank.holder_name.strip(),
        routing_number=bank.routing_number.strip(),
        account_type=bank.account_type,
        account_last4=bank.account_number[-4:],
        account_number_encrypted=fieldcrypt.encrypt(bank.account_number),
        created_by=debit.user,
    )
    return Payment(
        reference="".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10)),
        idempotency_key=debit.idempotency_key,
        lease=lease,
        bank_account=account,
        amount=amount,
        purpose=purpose,
        authorization_text=debit.authorization,
        authorized_at=timezone.now(),
        authorized_ip=debit.ip or None,
        authorized_by=debit.user,
        made_on=today,
    )


def _payment_for_debit(debit: Debit, *, lease: Lease) -> Payment | None:
    """The payment this form already made, if any; refused if the key was another lease's or user's."""
    existing = Payment.objects.filter(idempotency_key=debit.idempotency_key).first()
    if existing is None:
        return None
    return _same_payment(existing, lease=lease, user=debit.user)


def _same_payment(existing: Payment, *, lease: Lease, user) -> Payment:
    if existing.lease_id != lease.pk or existing.authorized_by_id != user.pk:
        raise PaymentRefused("This payment form has expired. Please open the payment page again.")
    return existing


def _payment_allowed(*, lease: Lease, amount: Decimal, purpose: str) -> None:
    # What a lessee disputes is held back from a balance payment (a buyout clears the whole balance).
    balance = ledger.balance(lease) if purpose == Payment.Purpose.BUYOUT else holds.payable(lease)
    if purpose == Payment.Purpose.BALANCE and not FinalBill.objects.filter(lease=lease).exists():
        raise PaymentRefused("There is no final bill to pay on this lease yet.")
    if balance <= 0:
        raise PaymentRefused("There is nothing to pay on this account now.")
    low, high = payment_limits(balance)
    if purpose == Payment.Purpose.BUYOUT and amount != balance:
        raise PaymentRefused(f"A purchase is paid in full: {usd(balance)}.")
    if amount > high:
        raise PaymentRefused(f"That is more than your balance of {usd(balance)}. Enter {usd(balance)} or less.")
    if amount < low:
        raise PaymentRefused(f"The smallest online payment is {usd(low)}.")


def buyout_payment_for(*, lease: Lease, quote_reference: str) -> Payment | None:
    """The payment that bought the vehicle under this quote, if one was made."""
    return (
        Payment.objects.filter(lease=lease, purpose=Payment.Purpose.BUYOUT, quote_reference=quote_reference)
        .select_related("bank_account")
        .first()
    )


def buyout_payment_create(
    *, lease: Lease, quote_reference: str, lines: list[dict], amount: Decimal, debit: Debit, today: dt.date
) -> Payment:
    """Buy the vehicle as a buyout quote sets out: post its lines, debit ``amount`` (the quote's
    net after the deposit) and mark the lease purchased, in one transaction, exactly once.

    ``lines`` are the quote's stored lines, posted as a final bill's are (ledger.lines_post). The
    security deposit reaches the ledger as one credit: the quote's own line when the lessee
    applied it to the price, otherwise the part of the total the quote nets off (total − net
    after deposit). A repeated idempotency key gets its payment back; a second payment of the
    same quote, or any payment once the lease is no longer open, is refused. Checking the
    quote's good-through date is the caller's (quotes) job.
    """
    amount = money(amount)
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        if existing := _payment_for_debit(debit, lease=lease):
            return existing
        _buyout_allowed(lease=lease, quote_reference=quote_reference, lines=lines)
        balance = ledger.lines_post(
            lease=lease,
            lines=lines,
            deposit_credit=money(sum((Decimal(line["amount"]) for line in lines), Decimal(0)) - amount),
            posted_on=today,
            user=debit.user,
            memo_suffix=f" · buyout quote {quote_reference}",
            deposit_memo=f"Security deposit credited against the purchase · buyout quote {quote_reference}",
        )
        if balance != amount:  # the ledger and the quote must agree before any debit
            raise BuyoutQuoteOutdated("This quote's figures do not match your account. Please get a new buyout quote.")
        payment = payment_create(
            lease=lease,
            amount=amount,
            debit=debit,
            today=today,
            purpose=Payment.Purpose.BUYOUT,
            quote_reference=quote_reference,
        )
        lease.mark_purchased()
        return payment


def _buyout_allowed(*, lease: Lease, quote_reference: str, lines: list[dict]) -> None:
    if (paid := buyout_payment_for(lease=lease, quote_reference=quote_reference)) is not None:
        raise PaymentRefused(
            f"This buyout quote was paid on {long_date(paid.made_on)} (confirmation {paid.reference})."
        )
    if not lease.is_open:
        raise PaymentRefused(f"{lease.status_sentence()} The vehicle can no longer be bought online.")
    on_account = sum((Decimal(line["amount"]) for line in lines if not ledger.is_posted(line)), Decimal(0))
    if ledger.balance(lease) != money(on_account):
        raise BuyoutQuoteOutdated(
            "Your account has changed since this quote was given (a payment or a charge was posted), "
            "so its figures no longer hold. Please get a new buyout quote."
        )


def payment_settle(*, payment: Payment, today: dt.date) -> bool:
    """Pending → settled (the funds have cleared, or operations confirm it). False if it was not pending."""
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING, ach_file__isnull=False).update(
            status=Payment.Status.SETTLED, settled_on=today
        )
        if moved:
            lease_close_if_settled(lease=payment.lease)
            notify(
                payment.lease,
                Kind.PAYMENT_SETTLED,
                url=link("leases:receipt", payment.lease.public_id, payment.public_id),
                key=payment.pk,
            )
        return bool(moved)


def payments_settle_due(*, today: dt.date) -> int:
    """Settle the debits sent long enough ago that a return for lack of funds would have come."""
    days = settings.ACH["settlement_days"]
    settled = 0
    pending = Payment.objects.filter(status=Payment.Status.PENDING, ach_file__isnull=False).select_related(
        "ach_file", "lease"
    )
    for payment in pending:
        if nacha.add_business_days(payment.ach_file.effective_on, days) <= today:
            settled += payment_settle(payment=payment, today=today)
    return settled


def cancel_refusal(payment: Payment) -> str | None:
    """Why this payment cannot be cancelled online (None: it can): the one rule behind the
    receipt's Cancel button and payment_cancel, which asks it again under a lock."""
    if payment.purpose != Payment.Purpose.BALANCE:
        return gettext("A purchase payment cannot be cancelled online.") + " " + cancel_sentence(first_person=False)
    if payment.status != Payment.Status.PENDING or payment.ach_file_id is not None:
        return (
            gettext("This payment is already on its way to your bank, so it can no longer be cancelled online.")
            + " "
            + cancel_sentence(first_person=False)
        )
    return None


def payment_cancellable(payment: Payment) -> bool:
    """Whether the receipt offers Cancel."""
    return cancel_refusal(payment) is None


def payment_cancel(*, payment: Payment, user, today: dt.date) -> bool:
    """The lessee cancels a pending balance payment that no bank file carries yet: its amount goes
    back on the ledger and they get an email. False if it was already cancelled (a double click);
    PaymentRefused if it can no longer be cancelled online.

    The row is locked first: the nightly file claims payments FOR UPDATE SKIP LOCKED, so a payment
    is either in the file or cancelled, never both."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == Payment.Status.CANCELLED:
            return False
        if refusal := cancel_refusal(locked):
            raise PaymentRefused(refusal)
        Payment.objects.filter(pk=payment.pk).update(
            status=Payment.Status.CANCELLED, cancelled_on=today, cancelled_by=user
        )
        ledger.entry_post(
            lease=payment.lease,
            kind=LedgerEntry.Kind.PAYMENT_CANCELLED,
            amount=locked.amount,
            posted_on=today,
            memo=f"Payment {locked.reference} cancelled online",
            user=user,
            payment=locked,
        )
        enqueue_on_commit(emails.payment_cancelled_send, payment.pk)
        return True


def payment_return(*, payment: Payment, code: str, today: dt.date, user=None) -> bool:
    """The bank returned the debit: reverse it on the ledger and tell the lessee. Once only."""
    with transaction.atomic():
        moved = Payment.objects.filter(
            pk=payment.pk, status__in=[Payment.Status.PENDING, Payment.Status.SETTLED]
        ).update(status=Payment.Status.RETURNED, return_code=code, returned_on=today)
        if not moved:
            return False
        ledger.entry_post(
            lease=payment.lease,
            kind=LedgerEntry.Kind.PAYMENT_RETURNED,
            amount=payment.amount,
            posted_on=today,
            memo=f"Payment {payment.reference} returned: {code} {nacha.RETURN_REASONS.get(code, '')}".strip(),
            user=user,
            payment=payment,
        )
        enqueue_on_commit(emails.payment_returned_send, payment.pk)
        notify(
            payment.lease,
            Kind.PAYMENT_RETURNED,
            url=link("leases:receipt", payment.lease.public_id, payment.public_id),
            key=payment.pk,
        )
        return True
