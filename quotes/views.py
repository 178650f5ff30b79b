"""The lessee's quote pages: choose a kind, fill its form, read the quote, print it, compare."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from leases.ledger import amounts_owed
from leases.models import Lease
from leases.selectors import lease_for_user
from leases.services import latest_reading
from portal import clock
from quotes import engine, pdf
from quotes.compare import compare
from quotes.forms import FORMS
from quotes.models import KIND_SLUGS, Quote
from quotes.services import LeaseNotOpen, quote_create

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
    lease = lease_for_user(request.user, public_id)
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
    lease = lease_for_user(request.user, public_id)
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
            quote = quote_create(lease=lease, user=request.user, event=form.event(), today=today)
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
    lease = lease_for_user(request.user, public_id)
    if not lease.is_open:
        return _closed(request, lease)
    today = clock.today()
    past_due, property_tax = amounts_owed(lease)
    comparison = compare(lease=lease, today=today, past_due=past_due, property_tax=property_tax)
    error = ""
    if request.method == "POST":
        option = comparison.option(request.POST.get("option", ""))
        if option is None or option.quote is None:
            error = "That option can't be saved: please choose one of the options below."
        else:
            try:
                quote = quote_create(lease=lease, user=request.user, event=option.event, today=today)
            except engine.QuoteError as refused:
                error = ENGINE_REFUSED.format(error=refused, phone=_phone())
            except LeaseNotOpen:
                return _closed(request, lease)
            else:
                return redirect(quote)
    context = {"lease": lease, "comparison": comparison, "today": today, "error": error}
    return render(request, "quotes/compare.html", context, status=400 if error else 200)


@login_required
@require_safe
def quote_detail(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    quote = _quote_for_user(request.user, public_id, quote_id)
    today = clock.today()
    context = {
        "quote": quote,
        "lease": quote.lease,
        "expired": quote.is_expired(today),
        "new_slug": KIND_SLUGS[quote.kind],
    }
    return render(request, "quotes/detail.html", context)


@login_required
@require_safe
def quote_pdf(request: HttpRequest, public_id, quote_id) -> HttpResponse:
    quote = _quote_for_user(request.user, public_id, quote_id)
    response = HttpResponse(pdf.quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, pdf.pdf_filename(quote))
    return response


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


def _phone() -> str:
    return settings.LESSOR["customer_phone"]
