from django.contrib import admin
from django.http import HttpRequest

from quotes.models import Quote


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    """Quotes are snapshots: operations can read and search them, never change them."""

    list_display = ("reference", "lease", "kind", "total", "net_after_deposit", "quoted_on", "good_through")
    list_filter = ("kind", ("quoted_on", admin.DateFieldListFilter))
    search_fields = ("reference", "lease__account_number", "lease__vehicle__vin")
    list_select_related = ("lease__vehicle__make",)
    date_hierarchy = "quoted_on"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Quote | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Quote | None = None) -> bool:
        return False
