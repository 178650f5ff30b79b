"""The lessee's quote pages: choose a kind, fill its form, read the quote, print it, compare."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from leases.billing import errors, payments
from leases.billing.forms import BuyoutPaymentForm, submitted_key
from leases.billing.ledger import amounts_owed
from leases.extensions import ExtensionRefused, request_for_lease, request_for_quote
from leases.models import ExtensionRequest, Lease, Payment
from leases.selectors import lease_for_user
from leases.services import latest_reading
from portal import clock, ratelimit
from portal.cache import page_data_keyed
from quotes import engine, pdf
from quotes.compare import compare
from quotes.forms import FORMS
from quotes.models import KIND_SLUGS, Quote
from quotes.services import (
    BuyoutNotDue,
    LeaseNotOpen,
    QuoteLapsed,
    QuoteRefused,
    buyout_quote_pay,
    buyout_refusal,
    extension_quote_request,
    quote_create,
)

KINDS_BY_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}
ENGINE_REFUSED = "We couldn't quote that: {error}. Please check your answers, or call us at {phone}."


def _quote_for_user(user, public_id, quote_id) -> Quote:
    """The quote, only under its own lease and only for that lease's lessees; else a 404."""
    try:
        return (
            Quote.objects.for_customer(user)
            .select_related("lease__vehicle__make")
            .get(lease__public_id=public_id, public_id=quote_id)
        )
    except Quote.DoesNotExist:
        raise Http404("No such quote") from None


def _closed(request: HttpRequest, lease: Lease) -> HttpResponse:
    return render(request, "quotes/closed.html", {"lease": lease}, status=409)


@login_required
@require_safe
def quote_choose(request: HttpRequest, public_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id, extension_days=True)
    if not lease.is_open:
        return _closed(request, lease)
    today = clock.today()
    choices = [
        {
            "slug": KIND_SLUGS[kind],
            "title": form.title,
            "cta": form.cta,
            "intro_template": form.intro_template,
            "unavailable": form.unavailable(lease, today),
        }
        for kind, form in FORMS.items()
    ]
    return render(request, "quotes/choose.html", {"lease": lease, "choices": choices})


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest, public_id, kind: str) -> HttpResponse:
    lease = lease_for_user(request.user, public_id, extension_days=True)
    form_class = FORMS.get(KINDS_BY_SLUG.get(kind, ""))
    if form_class is None:
        raise Http404("No such kind of quote")
    if not lease.is_open:
        return _closed(request, lease)
    today = clock.today()
    unavailable = form_class.unavailable(lease, today)
    past_due, property_tax = amounts_owed(lease)
    form = form_class(
        request.POST or None,
        lease=lease,
        today=today,
        past_due=past_due,
        property_tax=property_tax,
        latest=latest_reading(lease),
    )
    if request.method == "POST" and not unavailable and form.is_valid():
        try:
            quote = quote_create(
                lease=lease,
                user=request.user,
                event=form.event(),
                today=today,
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        except engine.QuoteError as error:
            form.add_error(None, ENGINE_REFUSED.format(error=error, phone=_phone()))
        except LeaseNotOpen:
            return _closed(request, lease)
        else:
            return redirect(quote)
    context = {"lease": lease, "form": form, "unavailable": unavailable, "today": today}
    # A POST that gets here saved nothing: say so in the status too.
    return render(request, "quotes/form.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def quote_compare(request: HttpRequest, public_id) -> HttpResponse:
    today = clock.today()
    key = None  # the page's HTML is kept only as read (kept_fragment), never with an error on it
    if request.method == "POST":
        lease, comparison = _comparison(request.user, public_id, today)
    else:  # reading the page: kept per user until the lease, its readings or its ledger change
        (lease, comparison), key = page_data_keyed(
            "compare",
            user_id=request.user.pk,
            part=public_id,
            compute=lambda: _compare_page(request.user, public_id, today),
        )
    if comparison is None:
        return _closed(request, lease)
    error = ""
    if request.method == "POST":
        option = comparison.option(request.POST.get("option", ""))
        if option is None or not option.saveable:
            error = "That option can't be saved: please choose one of the options below."
        else:
            try:
                quote = quote_create(
                    lease=lease,
                    user=request.user,
                    event=option.event,
                    today=today,
                    idempotency_key=_option_key(request, option.key),
                )
            except engine.QuoteError as refused:
                error = ENGINE_REFUSED.format(error=refused, phone=_phone())
            except LeaseNotOpen:
                return _closed(request, lease)
            else:
                return redirect(quote)
    # The options' forms share one key (a double click finds the first quote); a kept page keeps its
    # key too, so two visits to one unchanged page saving one option make one quote, not two.
    context = {
        "lease": lease,
        "comparison": comparison,
        "today": today,
        "error": error,
        "form_key": uuid.uuid4(),
        "page_key": None if error else key,
    }
    return render(request, "quotes/compare.html", context, status=400 if error else 200)


def _comparison(user, public_id, today: dt.date):
    """The lease (a 404 unless it is ``user``'s) and its options side by side; None for a closed lease."""
    lease = lease_for_user(user, public_id, extension_days=True)
    if not lease.is_open:
        return lease, None
    past_due, property_tax = amounts_owed(lease)
    return lease, compare(lease=lease, today=today, past_due=past_due, property_tax=property_tax)


def _compare_page(user, public_id, today: dt.date):
    lease, comparison = _comparison(user, public_id, today)
    return (lease, comparison), {f"lease:{lease.pk}"}


def _option_key(request: HttpRequest, option: str) -> uuid.UUID | None:
    """One compare page carries one key; each of its options saves under its own key from it."""
    key = submitted_key(request.POST)
    return uuid.uuid5(key, option) if key else None


@login_required
@require_safe
def quote_detail(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    today = clock.today()
    context, key = page_data_keyed(
        "quote",
        user_id=request.user.pk,
        part=f"{public_id}/{quote_id}",
        compute=lambda: _quote_page(request.user, public_id, quote_id, today),
    )
    return render(request, "quotes/detail.html", {**context, "page_key": key})


def _quote_page(user, public_id, quote_id, today: dt.date) -> tuple[dict, set[str]]:
    """The quote page's data (a 404 unless the quote is under one of ``user``'s leases), kept per user."""
    quote = _quote_for_user(user, public_id, quote_id)
    return _detail_context(quote, today=today), {f"lease:{quote.lease_id}"}


def _detail_context(quote: Quote, *, today: dt.date, extension_error: str = "") -> dict:
    lease = quote.lease
    expired = quote.is_expired(today)
    context = {
        "quote": quote,
        "lease": lease,
        "expired": expired,
        "new_slug": KIND_SLUGS[quote.kind],
        "extension_error": extension_error,
    }
    if quote.kind == Quote.Kind.BUYOUT:
        paid = payments.buyout_payment_for(lease=lease, quote_reference=quote.reference)
        context["buyout_payment"] = paid
        refused = buyout_refusal(quote, today)
        context["buyout_not_due"] = str(refused) if isinstance(refused, BuyoutNotDue) else ""
        context["can_pay"] = paid is None and refused is None and quote.net_after_deposit > 0
    elif quote.kind == Quote.Kind.EXTENSION:
        asked = request_for_quote(lease, quote.reference)
        days = int(quote.inputs["days"])
        context["extension_request"] = asked
        context["can_extend"] = asked is None and not expired and lease.is_open
        context["extension"] = {
            "days": days,
            "daily_fee": Decimal(quote.derived["daily_extension_fee"]),
            "until": lease.end_date + dt.timedelta(days=days),
        }
    return context


@login_required
@require_safe
def quote_pdf(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    quote = _quote_for_user(request.user, public_id, quote_id)
    return pdf.QUOTE_PDF.response(quote)


@login_required
@require_safe
def quote_short_link(request: HttpRequest, quote_id, as_pdf: bool = False) -> HttpResponse:
    """/quotes/<id>/: the quote by its own id, sent on to its place under the lease."""
    try:
        quote = Quote.objects.for_customer(request.user).select_related("lease").get(public_id=quote_id)
    except Quote.DoesNotExist:
        raise Http404("No such quote") from None
    name = "quotes:pdf" if as_pdf else "quotes:detail"
    return redirect(name, quote.lease.public_id, quote.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def buyout_pay(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    """Pay a buyout quote and buy the vehicle; a lapsed quote asks for a new one."""
    quote = _quote_for_user(request.user, public_id, quote_id)
    if quote.kind != Quote.Kind.BUYOUT:
        raise Http404("Only a buyout quote can be paid")
    lease = quote.lease
    if paid := _buyout_paid(request, quote):
        return redirect("leases:receipt", public_id=lease.public_id, payment_id=paid.public_id)
    today = clock.today()
    status = 400 if request.method == "POST" else 200  # a POST that gets to the page paid nothing
    if refused := buyout_refusal(quote, today):
        return _cannot_buy(request, quote, refused, status=409 if refused.reason == "closed" else status)
    form = BuyoutPaymentForm(request.POST or None, amount=quote.net_after_deposit)
    authorization = payments.buyout_authorization_text(
        lease, quote_reference=quote.reference, amount=quote.net_after_deposit
    )
    outdated = False
    if request.method == "POST" and form.is_valid():
        debit = form.debit(user=request.user, ip=ratelimit.client_ip(request), authorization=authorization)
        try:
            payment = buyout_quote_pay(quote=quote, debit=debit, today=today)
        except QuoteRefused as refused:  # the quote lapsed or the lease closed since the form was shown
            return _cannot_buy(request, quote, refused, status=400)
        except errors.PaymentRefused as error:
            form.add_error(None, str(error))
            outdated = isinstance(error, errors.BuyoutQuoteOutdated)
        else:
            return redirect("leases:receipt", public_id=lease.public_id, payment_id=payment.public_id)
    context = {"quote": quote, "lease": lease, "form": form, "amount": quote.net_after_deposit}
    context.update(authorization=authorization, outdated=outdated)
    return render(request, "quotes/buyout_pay.html", context, status=status)


def _buyout_paid(request: HttpRequest, quote: Quote) -> Payment | None:
    """The payment this form (resubmitted) or this quote already made. The lease was read
    before this lookup, so a submission that commits in between is seen here."""
    key = submitted_key(request.POST) if request.method == "POST" else None
    if key and (done := payments.payment_for_key(lease=quote.lease, user=request.user, idempotency_key=key)):
        return done
    return payments.buyout_payment_for(lease=quote.lease, quote_reference=quote.reference)


def _cannot_buy(request: HttpRequest, quote: Quote, refused: QuoteRefused, *, status: int) -> HttpResponse:
    message = str(refused) if refused.reason == "not_due" else ""
    context = {"quote": quote, "lease": quote.lease, "reason": refused.reason, "message": message}
    return render(request, "quotes/buyout_unavailable.html", context, status=status)


@login_required
@require_POST
def extension_request(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    """Turn an extension quote into a request: approved at once, sent for review, or refused."""
    quote = _quote_for_user(request.user, public_id, quote_id)
    if quote.kind != Quote.Kind.EXTENSION:
        raise Http404("Only an extension quote can be requested")
    today = clock.today()
    try:
        asked = extension_quote_request(quote=quote, user=request.user, today=today)
    except (QuoteLapsed, ExtensionRefused) as error:
        context = _detail_context(quote, today=today, extension_error=str(error))
        return render(request, "quotes/detail.html", context, status=400)
    return redirect("quotes:extension", quote.lease.public_id, asked.public_id)


@login_required
@require_safe
def extension_detail(request: HttpRequest, public_id, request_id) -> HttpResponse:
    lease = lease_for_user(request.user, public_id)
    try:
        asked = request_for_lease(lease, request_id)
    except ExtensionRequest.DoesNotExist:
        raise Http404("No such extension request") from None
    quote_id = Quote.objects.filter(lease=lease, reference=asked.quote_reference).values_list("public_id", flat=True)
    context = {"lease": lease, "asked": asked, "quote_id": quote_id.first()}
    return render(request, "quotes/extension_request.html", context)


def _phone() -> str:
    return settings.LESSOR["customer_phone"]
