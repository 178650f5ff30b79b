from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from returnkit.models import KitSnapshot, PlateRule, Reminder


@admin.register(PlateRule)
class PlateRuleAdmin(admin.ModelAdmin):
    list_display = ("state", "rule", "updated_at")
    search_fields = ("state", "rule", "rule_es")


@admin.register(KitSnapshot)
class KitSnapshotAdmin(admin.ModelAdmin):
    list_display = ("lease", "prepared_on", "pages", "created_at")
    list_select_related = ("lease__vehicle__make",)
    search_fields = ("lease__account_number",)
    readonly_fields = ("lease", "fingerprint", "payload", "pdf", "pages", "prepared_on", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("lease", "kind", "status", "due_on", "claimed_at", "sent_at")
    list_filter = ("status", "kind", "due_on")
    list_select_related = ("lease__vehicle__make",)
    search_fields = ("lease__account_number",)
    readonly_fields = ("lease", "kind", "status", "claim_token", "due_on", "claimed_at", "sent_at", "recipients", "kit")
    actions = ["release_stuck_claims"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Release stuck claims (check the mail log first: the next sweep sends them again)")
    def release_stuck_claims(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        released, _ = queryset.filter(pk__in=Reminder.objects.stuck()).delete()
        self.message_user(request, f"Released {released} stuck claim(s).", messages.SUCCESS)
