from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from wear.models import (
    ConditionReport,
    InspectionCompany,
    Inspector,
    PreInspection,
    WearBand,
    WearCategory,
    WearItem,
    WearRule,
    WearStandard,
)
from wear.standard import standard_copy


class WearCategoryInline(admin.TabularInline):
    model = WearCategory
    extra = 0
    fields = ("order", "code", "name", "areas", "billed_separately")
    show_change_link = True


class WearRuleInline(admin.StackedInline):
    model = WearRule
    extra = 0
    show_change_link = True


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
    list_display = ("name", "standard", "order", "billed_separately")
    list_filter = ("standard",)
    inlines = [WearRuleInline]


@admin.register(WearRule)
class WearRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "measure", "charge_kind", "amount", "cap_per_panel")
    list_filter = ("category__standard", "charge_kind")
    inlines = [WearBandInline]


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
