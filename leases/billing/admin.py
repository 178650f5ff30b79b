"""Operations' billing pages in the admin: the ledger (read-only), inspection, sale, final bill,
payments, ACH files and refunds. Forms and actions call the billing services; nothing here
edits or deletes a ledger entry, a bill or a payment."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from leases.billing import ach, errors, final_bill, inspection, ledger, payments, refunds, statement
from leases.models import (
    AchFile,
    AuctionSale,
    FinalBill,
    Inspection,
    Lease,
    LedgerEntry,
    Payment,
    Refund,
)
from portal import clock
from quotes.engine import Quote, lines_presented, usd


def _saved_as(obj, saved) -> None:
    """The admin goes on to log and redirect with ``obj``: point it at the row the service made."""
    obj.pk = saved.pk
    obj._state.adding = False


def _offer_leases(form: forms.ModelForm, leases, help_text: str) -> None:
    """On an add form, offer only the leases at the right step (view-only pages have no field)."""
    if "lease" in form.fields:
        form.fields["lease"].queryset = leases.select_related("vehicle__make")
        form.fields["lease"].help_text = help_text


class _NoEditing(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_NoEditing):
    list_display = ("posted_on", "lease", "kind", "amount", "memo", "payment", "corrects")
    list_filter = ("kind", ("posted_on", admin.DateFieldListFilter))
    search_fields = ("lease__account_number", "memo", "payment__reference")
    list_select_related = ("lease__vehicle__make", "payment", "corrects")
    show_full_result_count = False
    actions = ["post_correction"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_correct_permission(self, request) -> bool:
        return request.user.has_perm("leases.add_ledgerentry")

    @admin.action(description="Correct: post an opposite entry for each selected entry", permissions=["correct"])
    def post_correction(self, request, queryset) -> None:
        done = 0
        for entry in queryset.select_related("lease", "final_bill", "payment", "refund"):
            try:
                ledger.entry_correct(entry=entry, user=request.user, today=clock.today())
                done += 1
            except ledger.AlreadyCorrected as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, f"Posted {done} correcting entr{'y' if done == 1 else 'ies'}.")


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["lease", "returned_on", "inspected_on", "wear_total", "notes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_leases(
            self,
            Lease.objects.filter(
                status__in=[Lease.Status.RETURNED, Lease.Status.TERMINATED_EARLY], inspection__isnull=True
            ),
            "Returned vehicles without an inspection.",
        )

    def clean(self) -> dict:
        data = super().clean()
        if all(data.get(f) for f in ("lease", "returned_on", "inspected_on")):
            inspection.inspection_check(
                lease=data["lease"],
                returned_on=data["returned_on"],
                inspected_on=data["inspected_on"],
                today=clock.today(),
            )
        return data


@admin.register(Inspection)
class InspectionAdmin(_NoEditing):
    form = InspectionForm
    list_display = ("lease", "returned_on", "inspected_on", "wear_total", "ended_early", "recorded_by")
    search_fields = ("lease__account_number", "lease__vehicle__vin")
    list_select_related = ("lease__vehicle__make", "recorded_by")

    def save_model(self, request, obj: Inspection, form, change: bool) -> None:
        saved = inspection.inspection_record(
            lease=obj.lease,
            returned_on=obj.returned_on,
            inspected_on=obj.inspected_on,
            wear_total=obj.wear_total,
            notes=obj.notes,
            user=request.user,
            today=clock.today(),
        )
        _saved_as(obj, saved)


class AuctionSaleForm(forms.ModelForm):
    class Meta:
        model = AuctionSale
        fields = ["lease", "sold_on", "price", "auction"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_leases(
            self,
            Lease.objects.filter(status=Lease.Status.INSPECTED, auction_sale__isnull=True),
            "Inspected vehicles without a sale.",
        )

    def clean(self) -> dict:
        data = super().clean()
        if all(data.get(f) for f in ("lease", "sold_on", "price")):
            inspection.auction_sale_check(
                lease=data["lease"], sold_on=data["sold_on"], price=data["price"], today=clock.today()
            )
        return data


@dataclass(frozen=True)
class BillPreview:
    """A final bill as it would be issued now: the engine's lines and totals, with any credit
    already on the account, and a digest that the confirming POST must match."""

    lease: Lease
    quote: Quote
    prior_credit: Decimal
    balance_due: Decimal

    @property
    def digest(self) -> str:
        shown = [
            self.quote.kind,
            [(line.code, line.label, str(line.amount), line.rule) for line in self.quote.lines],
            str(self.quote.total),
            str(self.quote.security_deposit),
            str(self.quote.net_after_deposit),
            str(self.prior_credit),
        ]
        return hashlib.sha256(json.dumps(shown).encode()).hexdigest()

    @property
    def field(self) -> str:
        return f"preview_{self.lease.pk}"

    @property
    def presented(self) -> tuple[list, str]:
        """The lines that apply, and the sentence naming the $0.00 ones: the lessee's bill's rule."""
        as_shown = [{"label": line.label, "amount": line.amount, "line": line} for line in self.quote.lines]
        shown, zero_sentence = lines_presented(as_shown)
        return [row["line"] for row in shown], zero_sentence


def bill_preview(lease: Lease) -> BillPreview:
    """BillingError if the bill cannot be issued for this lease."""
    if FinalBill.objects.filter(lease=lease).exists():
        raise errors.BillingError("A final bill has already been issued for this lease.")
    quote = final_bill.final_bill_preview(lease)
    credit = final_bill.prior_credit(lease)
    return BillPreview(lease, quote, credit, quote.net_after_deposit + credit)


def _issue_bills(modeladmin, request, leases, *, hidden: list[tuple[str, str]]):
    """Show each lease's bill with an Issue button; issue only on that button's POST, and only a
    bill that is still exactly what was shown. Returns the preview page, or None when done."""
    previews = []
    for lease in leases:
        try:
            previews.append(bill_preview(lease))
        except errors.BillingError as error:
            modeladmin.message_user(request, f"{lease.account_number}: {error}", messages.ERROR)
    if request.POST.get("_issue") and previews:
        for preview in previews:
            lease = preview.lease
            if request.POST.get(preview.field) != preview.digest:
                modeladmin.message_user(
                    request,
                    f"{lease.account_number}: the bill has changed since it was shown (or was not shown); "
                    "nothing was issued. Look at it again.",
                    messages.WARNING,
                )
                continue
            try:
                bill = final_bill.final_bill_issue(lease=lease, user=request.user, today=clock.today())
            except errors.BillingError as error:
                modeladmin.message_user(request, f"{lease.account_number}: {error}", messages.ERROR)
            else:
                modeladmin.message_user(
                    request, f"{lease.account_number}: final bill issued, balance {usd(bill.balance_due)}."
                )
        return None
    if not previews:
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Check the final bill before issuing it" if len(previews) == 1 else "Check the final bills",
        "opts": FinalBill._meta,
        "previews": previews,
        "hidden": [*hidden, *((p.field, p.digest) for p in previews)],
    }
    return TemplateResponse(request, "admin/leases/finalbill/preview.html", context)


@admin.register(AuctionSale)
class AuctionSaleAdmin(_NoEditing):
    form = AuctionSaleForm
    list_display = ("lease", "sold_on", "price", "auction", "lease_status", "recorded_by")
    search_fields = ("lease__account_number", "lease__vehicle__vin")
    list_select_related = ("lease__vehicle__make", "recorded_by")
    actions = ["issue_final_bill"]

    @admin.display(description="lease status")
    def lease_status(self, obj: AuctionSale) -> str:
        return obj.lease.get_status_display()

    def has_issue_permission(self, request) -> bool:
        return request.user.has_perm("leases.add_finalbill")

    @admin.action(description="Issue the final bill for the selected sales", permissions=["issue"])
    def issue_final_bill(self, request, queryset):
        sales = list(queryset.select_related("lease"))
        hidden = [("action", "issue_final_bill"), *(("_selected_action", str(sale.pk)) for sale in sales)]
        return _issue_bills(self, request, [sale.lease for sale in sales], hidden=hidden)

    def save_model(self, request, obj: AuctionSale, form, change: bool) -> None:
        saved = inspection.auction_sale_record(
            lease=obj.lease,
            sold_on=obj.sold_on,
            price=obj.price,
            auction=obj.auction,
            user=request.user,
            today=clock.today(),
        )
        _saved_as(obj, saved)


class FinalBillForm(forms.ModelForm):
    class Meta:
        model = FinalBill
        fields = ["lease"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_leases(
            self,
            Lease.objects.filter(status=Lease.Status.SOLD, final_bill__isnull=True),
            "Sold vehicles without a bill. The bill is computed, posted and emailed at once.",
        )

    def clean_lease(self) -> Lease:
        lease = self.cleaned_data["lease"]
        try:
            final_bill.final_bill_preview(lease)
        except errors.BillingError as error:
            raise ValidationError(str(error)) from None
        return lease


@admin.register(FinalBill)
class FinalBillAdmin(_NoEditing):
    form = FinalBillForm
    list_display = ("lease", "kind", "issued_on", "due_on", "total", "balance_due", "emailed_at")
    list_filter = ("kind", ("issued_on", admin.DateFieldListFilter))
    search_fields = ("lease__account_number", "lease__vehicle__vin")
    list_select_related = ("lease__vehicle__make",)
    readonly_fields = (
        "lease",
        "kind",
        "issued_on",
        "due_on",
        "issued_by",
        "bill_lines",
        "total",
        "security_deposit",
        "net_after_deposit",
        "prior_balance",
        "balance_due",
        "statement_link",
        "engine_request",
        "emailed_at",
    )

    def get_fields(self, request, obj=None):
        return ["lease"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="lines")
    def bill_lines(self, obj: FinalBill) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: <strong>{}</strong><br><small>{}</small></li>",
                ((line["label"], line["amount"], line["rule"]) for line in obj.lines),
            ),
        )

    @admin.display(description="engine request (python -m quotes.engine)")
    def engine_request(self, obj: FinalBill) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.inputs, indent=2))

    @admin.display(description="statement")
    def statement_link(self, obj: FinalBill) -> str:
        url = reverse("admin:leases_finalbill_statement", args=[obj.pk])
        return format_html('<a href="{}">Statement PDF</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.statement_view)
        return [path("<int:pk>/statement/", view, name="leases_finalbill_statement"), *super().get_urls()]

    def statement_view(self, request: HttpRequest, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        bill = get_object_or_404(FinalBill.objects.select_related("lease"), pk=pk)
        return FileResponse(iter([statement.statement_bytes(bill)]), content_type="application/pdf")

    def save_model(self, request, obj: FinalBill, form, change: bool) -> None:
        raise PermissionDenied("A final bill is issued from its preview (add_view), never saved directly.")

    def add_view(self, request, form_url="", extra_context=None):
        """Choosing a lease shows its bill; the Issue button on that page issues it."""
        if request.method == "POST" and self.has_add_permission(request):
            form = FinalBillForm(request.POST)
            if form.is_valid():
                lease = form.cleaned_data["lease"]
                shown = _issue_bills(self, request, [lease], hidden=[("lease", str(lease.pk))])
                return shown or HttpResponseRedirect(reverse("admin:leases_finalbill_changelist"))
        return super().add_view(request, form_url, extra_context)


@admin.register(Payment)
class PaymentAdmin(_NoEditing):
    list_display = (
        "reference",
        "lease",
        "amount",
        "purpose",
        "status",
        "made_on",
        "trace_number",
        "return_code",
        "ach_file",
    )
    list_filter = ("status", "purpose", ("made_on", admin.DateFieldListFilter))
    search_fields = ("reference", "trace_number", "lease__account_number")
    list_select_related = ("lease__vehicle__make", "ach_file")
    readonly_fields = (
        "reference",
        "lease",
        "amount",
        "purpose",
        "quote_reference",
        "status",
        "bank",
        "made_on",
        "authorized_by",
        "authorized_at",
        "authorized_ip",
        "authorization_text",
        "ach_file",
        "trace_number",
        "settled_on",
        "returned_on",
        "return_code",
    )
    fields = readonly_fields
    actions = ["mark_settled"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="bank account")
    def bank(self, obj: Payment) -> str:
        account = obj.bank_account
        return f"{account.holder_name}, {account} at routing {account.routing_number}"

    def has_settle_permission(self, request) -> bool:
        return request.user.has_perm("leases.change_payment")

    @admin.action(description="Mark settled (the debit has cleared)", permissions=["settle"])
    def mark_settled(self, request, queryset) -> None:
        done = sum(payments.payment_settle(payment=p, today=clock.today()) for p in queryset.select_related("lease"))
        skipped = queryset.count() - done
        self.message_user(request, f"{done} payment(s) marked settled.")
        if skipped:
            self.message_user(
                request,
                f"{skipped} skipped: only pending payments already sent in an ACH file can settle.",
                messages.WARNING,
            )


class RefundForm(forms.ModelForm):
    class Meta:
        model = Refund
        fields = ["method", "bank_account", "check_number", "mail_to"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lease = self.instance.lease if self.instance.pk else None
        self.fields["bank_account"].queryset = (
            lease.bank_accounts.all() if lease else self.fields["bank_account"].queryset.none()
        )


class CheckNumbersForm(forms.Form):
    """The number of each check mailed for a refund: a refund by check is issued only with it."""

    def __init__(self, refunds_by_check: list[Refund], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for refund in refunds_by_check:
            self.fields[self.field_name(refund)] = forms.CharField(
                label=f"{refund}, mailed to {refund.mail_to.splitlines()[0] if refund.mail_to else 'the lessee'}",
                max_length=Refund._meta.get_field("check_number").max_length,
                initial=refund.check_number,
                error_messages={"required": "Enter the number of the check mailed for this refund."},
            )

    @staticmethod
    def field_name(refund: Refund) -> str:
        return f"check_{refund.pk}"


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    form = RefundForm
    list_display = ("lease", "amount", "method", "status", "issued_on", "check_number", "trace_number")
    list_filter = ("status", "method")
    search_fields = ("lease__account_number", "check_number")
    list_select_related = ("lease__vehicle__make",)
    actions = ["issue"]

    def get_readonly_fields(self, request, obj=None):
        base = ("lease", "amount", "status", "issued_on", "issued_by", "ach_file", "trace_number")
        if obj is not None and obj.status != Refund.Status.PENDING:
            return (*base, "method", "bank_account", "check_number", "mail_to")
        return base

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_issue_permission(self, request) -> bool:
        return request.user.has_perm("leases.change_refund")

    @admin.action(description="Issue the selected refunds (and tell the lessee)", permissions=["issue"])
    def issue(self, request, queryset):
        chosen = list(queryset.select_related("lease"))
        checks = [r for r in chosen if r.method == Refund.Method.CHECK and r.status == Refund.Status.PENDING]
        numbers = CheckNumbersForm(checks, data=request.POST if request.POST.get("_issue") else None)
        if checks and not numbers.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Record the check numbers",
                "opts": self.model._meta,
                "form": numbers,
                "hidden": [("action", "issue"), *(("_selected_action", str(r.pk)) for r in chosen)],
            }
            return TemplateResponse(request, "admin/leases/refund/issue.html", context)
        for refund in chosen:
            number = numbers.cleaned_data[numbers.field_name(refund)] if refund in checks else ""
            try:
                issued = refunds.refund_issue(
                    refund=refund, user=request.user, today=clock.today(), check_number=number
                )
            except errors.BillingError as error:
                self.message_user(request, f"{refund}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{refund}: {'issued' if issued else 'already issued'}.")
        return None


class ReturnsUploadForm(forms.Form):
    returns_file = forms.FileField(label="Returns file", help_text=ach.RETURNS_FORMAT)


@admin.register(AchFile)
class AchFileAdmin(_NoEditing):
    list_display = ("__str__", "effective_on", "debit_count", "total_debit", "credit_count", "total_credit", "download")
    readonly_fields = (
        "file_date",
        "modifier",
        "effective_on",
        "debit_count",
        "total_debit",
        "credit_count",
        "total_credit",
        "entry_hash",
        "first_trace_seq",
        "last_trace_seq",
        "created_by",
        "created_at",
        "download",
    )
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="file")
    def download(self, obj: AchFile) -> str:
        return format_html('<a href="{}">Download</a>', reverse("admin:leases_achfile_download", args=[obj.pk]))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/download/", wrap(self.download_view), name="leases_achfile_download"),
            path("write/", wrap(require_POST(self.write_view)), name="leases_achfile_write"),
            path("import-returns/", wrap(self.import_returns_view), name="leases_achfile_import_returns"),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        ach_file = get_object_or_404(AchFile, pk=pk)
        return FileResponse(
            ach_file.file.open("rb"),
            as_attachment=True,
            filename=ach_file.file.name.rsplit("/", 1)[-1],
            content_type="text/plain",
        )

    def write_view(self, request: HttpRequest):
        if not request.user.has_perm("leases.add_achfile"):
            raise PermissionDenied
        settled = payments.payments_settle_due(today=clock.today())
        ach_file = ach.ach_file_write(today=clock.today(), user=request.user)
        if ach_file:
            self.message_user(
                request, f"Wrote {ach_file}: {ach_file.debit_count} debit(s), {ach_file.credit_count} credit(s)."
            )
        else:
            self.message_user(request, "Nothing is waiting to be sent.", messages.WARNING)
        for held in ach.held_back():
            item = held.item
            self.message_user(
                request,
                f"{item._meta.verbose_name.capitalize()} {item} on lease {item.lease.account_number} was held back: "
                f"{held.problem}. Correct the bank account (or cancel it) and write the file again.",
                messages.ERROR,
            )
        if settled:
            self.message_user(request, f"{settled} earlier payment(s) settled.")
        return HttpResponseRedirect(reverse("admin:leases_achfile_changelist"))

    def import_returns_view(self, request: HttpRequest):
        if not request.user.has_perm("leases.change_payment"):
            raise PermissionDenied
        form = ReturnsUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["returns_file"].read().decode("utf-8", errors="replace")
            result = ach.ach_returns_import(text=text, today=clock.today(), user=request.user)
            self.message_user(request, f"{len(result.returned)} payment(s) returned and reversed on the ledger.")
            if result.already:
                self.message_user(request, f"Already returned before (nothing changed): {', '.join(result.already)}.")
            for error in result.errors:
                self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:leases_payment_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import an ACH returns file",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "leases/billing/admin_import_returns.html", context)
