"""Customer billing pages: the final bill, its PDF statement, paying online, the receipt.

Every view fetches the lease through the owner-scoped selector: another customer's lease,
bill or payment is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from leases.billing import errors, holds, ledger, payments, statement
from leases.billing.forms import PaymentForm, submitted_key
from leases.models import FinalBill, Lease, LedgerEntry, Payment, Refund
from leases.selectors import lease_for_user
from portal import clock, ratelimit
from quotes.engine import usd


def _bill_for(lease: Lease) -> FinalBill:
    try:
        return FinalBill.objects.get(lease=lease)
    except FinalBill.DoesNotExist:
        raise Http404("No final bill yet") from None


def _activity(lease: Lease, bill: FinalBill) -> list[dict]:
    """Ledger entries since the bill (payments, returns, refunds), newest last."""
    entries = LedgerEntry.objects.filter(lease=lease, final_bill__isnull=True, created_at__gte=bill.created_at)
    return [
        {"entry": entry, "label": activity_label(entry)}
        for entry in entries.select_related("payment__bank_account", "refund").order_by("posted_on", "id")
    ]


def activity_label(entry: LedgerEntry) -> str:
    """An entry as the lessee reads it, in their language. The memo is operations' record of it,
    written in English when it was posted; a payment, a bank's return and a refund are worded again."""
    payment, refund = entry.payment, entry.refund
    if entry.corrects_id is None and payment is not None and entry.kind == LedgerEntry.Kind.PAYMENT:
        return _("Online payment %(reference)s from your %(account)s ending %(last4)s") % {
            "reference": payment.reference,
            "account": payment.bank_account.account_words,
            "last4": payment.bank_account.account_last4,
        }
    if entry.corrects_id is None and payment is not None and entry.kind == LedgerEntry.Kind.PAYMENT_RETURNED:
        return _("Payment %(reference)s returned by your bank (%(code)s: %(reason)s)") % {
            "reference": payment.reference,
            "code": payment.return_code,
            "reason": payment.return_reason or payment.return_code,
        }
    if entry.corrects_id is None and payment is not None and entry.kind == LedgerEntry.Kind.PAYMENT_CANCELLED:
        return _("Payment %(reference)s cancelled online") % {"reference": payment.reference}
    if entry.corrects_id is None and refund is not None and entry.kind == LedgerEntry.Kind.REFUND:
        method = str(refund.get_method_display())
        return _("Refund: %(method)s") % {"method": method[:1].lower() + method[1:]}
    return entry.memo or entry.get_kind_display()


@login_required
@require_safe
def bill_detail(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    bill = _bill_for(lease)
    balance = ledger.balance(lease)
    payments = list(lease.payments.select_related("bank_account"))
    context = {
        **statement.statement_context(bill),
        "lease": lease,
        "activity": _activity(lease, bill),
        "balance": balance,
        "credit": -balance if balance < 0 else None,  # what we owe the lessee, shown without a minus sign
        "payments": payments,
        "pending": [p for p in payments if p.status == Payment.Status.PENDING],
        "refund": Refund.objects.filter(final_bill=bill).first(),
    }
    return render(request, "leases/billing/bill.html", context)


@login_required
@require_safe
def bill_statement(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    bill = _bill_for(lease)
    return statement.STATEMENT_PDF.response(bill)


@login_required
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    bill = _bill_for(lease)
    # The balance is read before looking for an earlier submission of this form: if that
    # submission commits in between, the lookup below sees it.
    balance = holds.payable(lease)  # less any amount on hold while a dispute is open
    key = submitted_key(request.POST) if request.method == "POST" else None
    if key and (done := payments.payment_for_key(lease=lease, user=request.user, idempotency_key=key)):
        return redirect("leases:receipt", public_id=lease.public_id, payment_id=done.public_id)
    if balance <= 0:
        messages.info(request, "There is nothing to pay on this account.")
        return redirect("leases:bill", public_id=lease.public_id)
    form = PaymentForm(request.POST or None, balance=balance)
    authorization = payments.authorization_text(lease)
    if request.method == "POST" and form.is_valid():
        try:
            payment = payments.payment_create(
                lease=lease,
                amount=form.cleaned_data["amount"],
                debit=form.debit(user=request.user, ip=ratelimit.client_ip(request), authorization=authorization),
                today=clock.today(),
            )
        except errors.PaymentRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect("leases:receipt", public_id=lease.public_id, payment_id=payment.public_id)
    context = {
        "lease": lease,
        "bill": bill,
        "form": form,
        "balance": balance,
        "authorization": authorization,
        "lessor": settings.LESSOR,
    }
    return render(request, "leases/billing/pay.html", context)


@login_required
@require_POST
def payment_cancel(request: HttpRequest, public_id, payment_id) -> HttpResponse:
    """The receipt's Cancel button: once, and only before the bank file carries the payment."""
    lease = lease_for_user(request.user, public_id)
    payment = get_object_or_404(Payment, lease=lease, public_id=payment_id)
    try:
        cancelled = payments.payment_cancel(payment=payment, user=request.user, today=clock.today())
    except errors.PaymentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if cancelled:
            amount = usd(payment.amount)  # a sentence, not a template: the one money format
            messages.success(
                request,
                _("Your payment of %(amount)s is cancelled: nothing will be taken from your account.")
                % {"amount": amount},
            )
        else:
            messages.info(request, _("This payment was already cancelled."))
    return redirect("leases:receipt", lease.public_id, payment.public_id)


@login_required
@require_safe
def payment_receipt(request: HttpRequest, public_id, payment_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    payment = get_object_or_404(Payment.objects.select_related("bank_account"), lease=lease, public_id=payment_id)
    context = {
        "lease": lease,
        "payment": payment,
        "balance": ledger.balance(lease),
        "reason": payment.return_reason,
        "cancellable": payments.payment_cancellable(payment),
    }
    return render(request, "leases/billing/receipt.html", context)
