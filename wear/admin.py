from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from portal import clock
from wear.disputes import charge_after, dispute_item_resolve
from wear.models import (
    ConditionReport,
    DisputeRule,
    InspectionCompany,
    Inspector,
    PreInspection,
    WearBand,
    WearCategory,
    WearDispute,
    WearDisputeItem,
    WearItem,
    WearRule,
    WearStandard,
)
from wear.standard import standard_copy


class WearCategoryInline(admin.TabularInline):
    model = WearCategory
    extra = 0
    fields = ("order", "code", "name", "name_es", "areas", "billed_separately")
    show_change_link = True


RULE_FIELDSETS = (
    (None, {"fields": ("code", "order")}),
    ("English", {"fields": ("name", "rule_text")}),
    ("Spanish (empty: Spanish readers see the English)", {"fields": ("name_es", "rule_text_es")}),
    ("Charge", {"fields": ("measure", "charge_kind", "amount", "cap_per_panel")}),
)


class WearRuleInline(admin.StackedInline):
    model = WearRule
    extra = 0
    show_change_link = True
    fieldsets = RULE_FIELDSETS


class WearBandInline(admin.TabularInline):
    model = WearBand
    extra = 0


@admin.register(WearStandard)
class WearStandardAdmin(admin.ModelAdmin):
    list_display = ("version", "title", "published", "created_at")
    inlines = [WearCategoryInline]
    actions = ["copy_as_new_version"]

    @admin.action(description="Copy as a new unpublished version (to edit, then publish)")
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[WearStandard]) -> None:
        for standard in queryset:
            copy = standard_copy(standard=standard)
            self.message_user(request, f"Version {copy.version} created from version {standard.version}.")


@admin.register(WearCategory)
class WearCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_es", "standard", "order", "billed_separately")
    list_filter = ("standard",)
    search_fields = ("name", "name_es", "code")
    fieldsets = (
        (None, {"fields": ("standard", "code", "order", "areas", "billed_separately")}),
        ("English", {"fields": ("name", "guidance")}),
        ("Spanish (empty: Spanish readers see the English)", {"fields": ("name_es", "guidance_es")}),
    )
    inlines = [WearRuleInline]


@admin.register(WearRule)
class WearRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "name_es", "category", "measure", "charge_kind", "amount", "cap_per_panel")
    list_filter = ("category__standard", "charge_kind")
    search_fields = ("name", "name_es", "rule_text", "rule_text_es", "code")
    fieldsets = ((None, {"fields": ("category",)}), *RULE_FIELDSETS)
    inlines = [WearBandInline]


@admin.register(DisputeRule)
class DisputeRuleAdmin(admin.ModelAdmin):
    list_display = ("state", "objection_days", "counter_inspection")


@admin.register(InspectionCompany)
class InspectionCompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ("user", "company", "created_at")
    list_select_related = ("user", "company")
    raw_id_fields = ("user",)


class WearItemInline(admin.TabularInline):
    model = WearItem
    extra = 0
    fields = ("area", "rule_name", "band_label", "quantity", "charge", "standard_version")
    readonly_fields = fields
    can_delete = False
    fk_name = "report"


class PreItemInline(WearItemInline):
    fk_name = "pre_inspection"


@admin.register(ConditionReport)
class ConditionReportAdmin(admin.ModelAdmin):
    list_display = ("reference", "lease", "role", "company", "inspected_on", "completed_at", "total")
    list_select_related = ("lease", "company")
    readonly_fields = ("standard", "total", "completed_at", "inspection", "recorded_by")
    raw_id_fields = ("lease", "dealer")
    inlines = [WearItemInline]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A completed report is on a bill: correct it through a dispute, not by editing.
        if obj is not None and obj.completed_at is not None:
            return False
        return super().has_change_permission(request, obj)


@admin.register(PreInspection)
class PreInspectionAdmin(admin.ModelAdmin):
    list_display = ("lease", "finished_on", "total")
    readonly_fields = ("lease", "standard", "started_by", "areas_done", "finished_on", "total", "pdf")
    inlines = [PreItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class DisputeItemInline(admin.TabularInline):
    model = WearDisputeItem
    extra = 0
    fields = ("decide", "item", "reason", "outcome", "charge_after", "resolution")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="")
    def decide(self, row: WearDisputeItem) -> str:
        url = reverse("admin:wear_weardisputeitem_change", args=[row.pk])
        return format_html('<a href="{}">{}</a>', url, "Decide" if not row.outcome else "See")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WearDispute)
class WearDisputeAdmin(admin.ModelAdmin):
    """The queue: open disputes first, oldest first, with the days they have waited."""

    list_display = ("reference", "lease", "status", "opened_on", "waiting", "deadline", "credited")
    list_filter = ("status",)
    ordering = ("-status", "opened_on", "id")  # "open" sorts after "resolved": descending puts it first
    readonly_fields = (
        "report",
        "opened_by",
        "opened_on",
        "deadline",
        "status",
        "resolved_on",
        "wear_total_after",
        "credited",
    )
    exclude = ("outcome_emailed_at",)
    inlines = [DisputeItemInline]

    @admin.display(description="lease")
    def lease(self, dispute: WearDispute):
        return dispute.report.lease

    @admin.display(description="days waiting")
    def waiting(self, dispute: WearDispute) -> str:
        if dispute.status != WearDispute.Status.OPEN:
            return "—"
        return str((clock.today() - dispute.opened_on).days)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WearDispute]:
        return super().get_queryset(request).select_related("report__lease__vehicle__make")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class DecideForm(forms.ModelForm):
    amount = forms.DecimalField(
        label="Reduced charge", max_digits=12, decimal_places=2, required=False, help_text="Only for a reduction."
    )

    class Meta:
        model = WearDisputeItem
        fields = ("outcome", "resolution")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("outcome"):
            self.add_error("outcome", "Choose the outcome.")
        elif not (data.get("resolution") or "").strip():
            self.add_error("resolution", "Write the reason the lessee will read.")
        else:
            charge_after(self.instance, data["outcome"], data.get("amount"))
        return data


@admin.register(WearDisputeItem)
class WearDisputeItemAdmin(admin.ModelAdmin):
    """Deciding one disputed item: the outcome and the reason go through wear.disputes, never straight to the row."""

    form = DecideForm
    list_display = ("item", "dispute", "outcome", "charge_after")
    readonly_fields = ("dispute", "item_charged", "reason", "charge_after", "resolved_by", "resolved_at")
    fields = ("dispute", "item_charged", "reason", "outcome", "amount", "resolution", "charge_after", "resolved_by")

    @admin.display(description="item")
    def item_charged(self, row: WearDisputeItem) -> str:
        item = row.item
        return f"{item.rule_name} ({item.get_area_display()}), {item.band_label or 'no size'}: {item.charge}"

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.resolved_at is not None:  # the form may have set outcome on this copy
            return (*self.readonly_fields, "outcome", "resolution")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: WearDisputeItem, form, change: bool) -> None:
        try:
            dispute_item_resolve(
                row=WearDisputeItem.objects.get(pk=obj.pk),
                outcome=form.cleaned_data["outcome"],
                amount=form.cleaned_data.get("amount"),
                resolution=form.cleaned_data["resolution"],
                user=request.user,
                now=clock.now(),
                today=clock.today(),
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
