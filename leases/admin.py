
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from leases import extensions
from leases.billing import admin as billing_admin  # noqa: F401  (registers billing's admin pages)
from leases.models import (
    VOID_REASON_MAX,
    Dealer,
    ExtensionRequest,
    InvalidTransition,
    Lease,
    LeaseParty,
    LedgerEntry,
    Lessee,
    Make,
    OdometerReading,
    Payment,
    Vehicle,
    VehicleEquipment,
)
from leases.services import odometer_void, void_reason_clean
from portal import clock

# The terms the quotes and the final bill are computed from: frozen once either exists.
FINANCIAL_TERMS = (
    "start_date",
    "term_months",
    "adjusted_cap_cost",
    "residual_value",
    "money_factor",
    "tax_rate",
    "start_odometer",
    "annual_miles",
    "purchased_miles",
    "purchased_mile_rate",
    "excess_mile_rate",
    "disposition_fee",
    "purchase_option_fee",
    "early_termination_fee",
    "security_deposit",
    "wear_waiver",
    "max_extension_days",
)


def _with_money_on_them(leases):
    """The leases with a final bill, a payment or a ledger entry: history that must stay."""
    return leases.filter(
        Q(final_bill__isnull=False)
        | Exists(Payment.objects.filter(lease=OuterRef("pk")))
        | Exists(LedgerEntry.objects.filter(lease=OuterRef("pk")))
    )


@admin.register(Make)
class MakeAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class EquipmentInline(admin.TabularInline):
    model = VehicleEquipment
    extra = 1


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("vin", "year", "make", "model", "trim", "body_type")
    list_filter = ("make", "year")
    search_fields = ("vin", "model")
    inlines = [EquipmentInline]


class PartyInline(admin.TabularInline):
    model = LeaseParty
    extra = 0
    autocomplete_fields = ("lessee",)


class OdometerInline(admin.TabularInline):
    model = OdometerReading
    extra = 0
    fields = ("reading_date", "miles", "source", "recorded_by", "created_at", "voided", "void_action")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return OdometerReading.history.select_related("recorded_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="voided")
    def voided(self, obj: OdometerReading) -> str:
        return _voided(obj)

    @admin.display(description="")
    def void_action(self, obj: OdometerReading) -> str:
        return _void_link(obj)


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    list_display = ("account_number", "vehicle", "status", "maturity_date", "registration_state")
    list_filter = ("status", ("maturity_date", admin.DateFieldListFilter), "registration_state", "vehicle__make")
    search_fields = (
        "account_number",
        "vehicle__vin",
        "lessees__last_name",
        "lessees__first_name",
        "lessees__email",
    )
    list_select_related = ("vehicle__make",)
    autocomplete_fields = ("vehicle",)
    # The status moves only through the actions below (Lease.mark_*), never by editing it.
    readonly_fields = ("public_id", "status", "maturity_date", "extended_days", "created_at", "updated_at")
    inlines = [PartyInline, OdometerInline]
    date_hierarchy = "maturity_date"
    show_full_result_count = False
    actions = ["delete_selected", "mark_returned", "mark_terminated_early"]

    def get_readonly_fields(self, request, obj: Lease | None = None):
        if obj is not None and self.terms_frozen(obj):
            return (*self.readonly_fields, *FINANCIAL_TERMS)
        return self.readonly_fields

    @staticmethod
    def terms_frozen(lease: Lease) -> bool:
        """A quote or a final bill was computed from the terms: changing them would rewrite it."""
        return lease.quotes.exists() or hasattr(lease, "final_bill")

    def save_model(self, request, obj: Lease, form, change: bool) -> None:
        obj.schedule_end_date()
        super().save_model(request, obj, form, change)

    # --- deleting: never a lease with a bill, a payment or ledger entries -------------------
    def has_delete_permission(self, request, obj: Lease | None = None) -> bool:
        if obj is not None and _with_money_on_them(Lease.objects.filter(pk=obj.pk)).exists():
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description="Delete the selected leases (never one with a bill, payment or ledger entry)",
        permissions=["delete"],
    )
    def delete_selected(self, request, queryset):
        kept = list(_with_money_on_them(queryset).values_list("account_number", flat=True))
        if kept:
            self.message_user(
                request,
                f"Not deleted, a bill, payment or ledger entry is on them: {', '.join(sorted(kept))}.",
                messages.WARNING,
            )
        rest = queryset.exclude(account_number__in=kept)
        if not rest.exists():
            return None
        return delete_selected(self, request, rest)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset.exclude(pk__in=_with_money_on_them(queryset).values("pk")))

    # --- status changes operations make by hand ---------------------------------------------
    def has_move_permission(self, request) -> bool:
        return request.user.has_perm("leases.change_lease")

    def _move(self, request, queryset, move: str, done: str) -> None:
        for lease in queryset:
            try:
                getattr(lease, move)()
            except InvalidTransition as error:
                self.message_user(request, f"{lease.account_number}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{lease.account_number}: {done}.")

    @admin.action(description="Mark returned (the vehicle is back)", permissions=["move"])
    def mark_returned(self, request, queryset) -> None:
        self._move(request, queryset, "mark_returned", "marked returned")

    @admin.action(description="Mark terminated early", permissions=["move"])
    def mark_terminated_early(self, request, queryset) -> None:
        self._move(request, queryset, "mark_terminated_early", "marked terminated early")


@admin.register(Lessee)
class LesseeAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "city", "state", "user")
    list_filter = ("state",)
    search_fields = ("last_name", "first_name", "email", "leases__account_number")
    raw_id_fields = ("user",)


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "city", "state", "zip_code", "phone", "is_active")
    list_filter = ("state", "makes", "is_active")
    search_fields = ("name", "code", "city", "zip_code")
    filter_horizontal = ("makes",)


def _voided(reading: OdometerReading) -> str:
    if not reading.is_voided:
        return ""
    return f"Voided {timezone.localdate(reading.voided_at):%Y-%m-%d}: {reading.void_reason}"


def _void_link(reading: OdometerReading) -> str:
    if reading.is_voided or reading.pk is None:
        return ""
    return format_html('<a href="{}">Void…</a>', reverse("admin:leases_odometerreading_void", args=[reading.pk]))


class OdometerVoidForm(forms.Form):
    reason = forms.CharField(
        label="Why this reading is wrong",
        max_length=VOID_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the reading and shown to the lessee on their lease page.",
    )

    def clean_reason(self) -> str:
        return void_reason_clean(self.cleaned_data["reason"])


@admin.register(OdometerReading)
class OdometerReadingAdmin(admin.ModelAdmin):
    """Readings are never edited or deleted here: a wrong one is voided, with its reason
    (``Void…``, which calls ``leases.services.odometer_void``), and then counts nowhere."""

    list_display = ("lease", "reading_date", "miles_struck", "source", "voided", "void_action")
    list_filter = ("source", ("voided_at", admin.EmptyFieldListFilter))
    search_fields = ("lease__account_number", "lease__vehicle__vin")
    list_select_related = ("lease__vehicle__make",)
    fields = (
        "lease",
        "reading_date",
        "miles",
        "source",
        "recorded_by",
        "created_at",
        "corrects",
        "voided_at",
        "voided_by",
        "void_reason",
        "void_action",
    )
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return OdometerReading.history.all()

    def has_add_permission(self, request) -> bool:
        return False

    # Not has_delete_permission: deleting a blank lease (LeaseAdmin) takes its readings with it.
    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied  # a wrong reading is voided, never deleted

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on the page can be saved or deleted: the only change is the void page.
        hidden = {"show_save": False, "show_save_and_continue": False, "show_delete": False}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **hidden})

    @admin.display(description="voided")
    def voided(self, obj: OdometerReading) -> str:
        return _voided(obj)

    @admin.display(description="miles", ordering="miles")
    def miles_struck(self, obj: OdometerReading) -> str:
        return format_html("<del>{}</del>", f"{obj.miles:,}") if obj.is_voided else f"{obj.miles:,}"

    @admin.display(description="")
    def void_action(self, obj: OdometerReading) -> str:
        return _void_link(obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.void_view)
        return [path("<int:pk>/void/", view, name="leases_odometerreading_void"), *super().get_urls()]

    def void_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Void one reading with a reason: it stays on record, struck through, and counts nowhere."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        reading = get_object_or_404(OdometerReading.history.select_related("lease"), pk=pk)
        form = OdometerVoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                voided = odometer_void(reading=reading, reason=reason, user=request.user, now=clock.now())
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                self.message_user(request, f"{reading}: {'voided' if voided else 'was already voided'}.")
                return HttpResponseRedirect(reverse("admin:leases_odometerreading_change", args=[reading.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Void the reading {reading}",
            "opts": self.model._meta,
            "reading": reading,
            "form": form,
        }
        return TemplateResponse(request, "admin/leases/odometerreading/void.html", context)


# --- Extensions: requests sent for review are approved or declined here -----------------------


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("lease", "days", "fee", "status", "review_reason", "requested_on", "decided_on", "extended_to")
    list_filter = ("status", ("requested_on", admin.DateFieldListFilter))
    search_fields = ("lease__account_number", "quote_reference")
    list_select_related = ("lease__vehicle__make",)
    actions = ["approve", "decline"]
    fields = (
        "lease",
        "quote_reference",
        "days",
        "daily_fee",
        "fee",
        "status",
        "review_reason",
        "requested_by",
        "requested_on",
        "decided_by",
        "decided_on",
        "extended_to",
        "decision_note",
    )

    def get_readonly_fields(self, request, obj=None):
        # Only the note for the lessee can be written, and only while the request waits.
        if obj is not None and obj.status == ExtensionRequest.Status.IN_REVIEW:
            return tuple(f for f in self.fields if f != "decision_note")
        return self.fields

    def has_add_permission(self, request) -> bool:
        return False  # lessees ask from an extension quote; the limit and fee come from it

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("leases.change_extensionrequest")

    @admin.action(description="Approve the selected extension requests", permissions=["decide"])
    def approve(self, request, queryset) -> None:
        for asked in queryset.select_related("lease"):
            try:
                done = extensions.extension_approve(request=asked, user=request.user, today=clock.today())
            except extensions.ExtensionRefused as error:
                self.message_user(request, f"{asked}: {error}", messages.ERROR)
            else:
                outcome = "approved" if done else "already decided"
                self.message_user(request, f"{asked.lease.account_number}: {outcome}.")

    @admin.action(description="Decline the selected extension requests", permissions=["decide"])
    def decline(self, request, queryset) -> None:
        for asked in queryset.select_related("lease"):
            done = extensions.extension_decline(request=asked, user=request.user, today=clock.today())
            outcome = "declined" if done else "already decided"
            self.message_user(request, f"{asked.lease.account_number}: {outcome}.")
