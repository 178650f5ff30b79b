from django.contrib import admin

from leases.models import Dealer, Lease, LeaseParty, Lessee, Make, OdometerReading, Vehicle, VehicleEquipment


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
    fields = ("reading_date", "miles", "source", "recorded_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
    readonly_fields = ("public_id", "maturity_date", "extended_days", "created_at", "updated_at")
    inlines = [PartyInline, OdometerInline]
    date_hierarchy = "maturity_date"
    show_full_result_count = False

    def save_model(self, request, obj: Lease, form, change: bool) -> None:
        obj.schedule_end_date()
        super().save_model(request, obj, form, change)


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


@admin.register(OdometerReading)
class OdometerReadingAdmin(admin.ModelAdmin):
    list_display = ("lease", "reading_date", "miles", "source")
    list_filter = ("source",)
    search_fields = ("lease__account_number", "lease__vehicle__vin")
    raw_id_fields = ("lease", "recorded_by")
