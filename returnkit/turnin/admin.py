from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from portal import clock
from returnkit.turnin.models import (
    Appointment,
    DealerStaff,
    OpeningHours,
    ReturnedItem,
    TurnIn,
    TurnInSchedule,
    TurnInSlot,
    WalkInLookup,
)
from returnkit.turnin.slots import slots_generate

GENERATE_DAYS = 45


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(TurnInSchedule)
class TurnInScheduleAdmin(admin.ModelAdmin):
    list_display = ("dealer", "bays", "slot_minutes")
    list_select_related = ("dealer",)
    search_fields = ("dealer__name", "dealer__code")
    autocomplete_fields = ("dealer",)
    inlines = [OpeningHoursInline]
    actions = ["generate_slots"]

    @admin.action(description=f"Create turn-in slots for the next {GENERATE_DAYS} days")
    def generate_slots(self, request: HttpRequest, queryset: QuerySet[TurnInSchedule]) -> None:
        made = sum(
            slots_generate(dealer=schedule.dealer, start=clock.today(), days=GENERATE_DAYS)
            for schedule in queryset.select_related("dealer")
        )
        self.message_user(request, f"Created {made:,} new slots.", messages.SUCCESS)


@admin.register(TurnInSlot)
class TurnInSlotAdmin(admin.ModelAdmin):
    list_display = ("dealer", "starts_at", "minutes", "capacity", "booked")
    list_filter = (("starts_at", admin.DateFieldListFilter), "dealer")
    list_select_related = ("dealer",)
    date_hierarchy = "starts_at"
    readonly_fields = ("public_id",)
    autocomplete_fields = ("dealer",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[TurnInSlot]:
        return super().get_queryset(request).with_booked()

    @admin.display(description="booked", ordering="booked")
    def booked(self, slot: TurnInSlot) -> int:
        return slot.booked


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("lease", "slot", "status", "sequence", "reminder_sent_at")
    list_filter = ("status",)
    search_fields = ("lease__account_number", "lease__vehicle__vin", "public_id")
    list_select_related = ("lease__vehicle__make", "slot__dealer")
    # Bookings go through the services (locks, emails); here they are looked at, not edited.
    readonly_fields = (
        "public_id",
        "lease",
        "slot",
        "status",
        "sequence",
        "booked_by",
        "created_at",
        "updated_at",
        "cancelled_at",
        "reminder_sent_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DealerStaff)
class DealerStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "dealer", "created_at")
    list_select_related = ("user", "dealer")
    search_fields = ("user__email", "dealer__name", "dealer__code")
    autocomplete_fields = ("user", "dealer")


class ReturnedItemInline(admin.TabularInline):
    model = ReturnedItem
    extra = 0
    can_delete = False
    readonly_fields = ("name", "expected", "returned")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TurnIn)
class TurnInAdmin(admin.ModelAdmin):
    """The signed statement is a record to keep, not to edit."""

    list_display = ("vin", "dealer_name", "returned_on", "odometer_miles", "odometer_status")
    list_filter = ("odometer_status", ("returned_on", admin.DateFieldListFilter))
    search_fields = ("vin", "lease__account_number", "lessee_names")
    date_hierarchy = "returned_on"
    inlines = [ReturnedItemInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in TurnIn._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WalkInLookup)
class WalkInLookupAdmin(admin.ModelAdmin):
    """Every walk-in look-up dealer staff made: a record for operations, which nobody edits."""

    list_display = ("created_at", "dealer", "user", "identifier_typed", "last_name_typed", "outcome", "ip")
    list_filter = ("outcome", "dealer")
    list_select_related = ("dealer", "user")
    search_fields = ("dealer__name", "dealer__code", "user__email")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
