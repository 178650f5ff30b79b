from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q

from portal import clock
from portal.models import AttemptCounter, Notification, User
from portal.notify import Kind


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Language", {"fields": ("language",)}),  # what their emails and PDFs are written in
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class KindFilter(admin.SimpleListFilter):
    """The kinds of notice by name ("Final bill issued"), not by code."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return Kind.choices

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind_label", "title", "created_at", "read_at")
    list_filter = (KindFilter, ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "title", "lease__account_number")
    raw_id_fields = ("user", "lease")
    date_hierarchy = "created_at"

    @admin.display(description="kind", ordering="kind")
    def kind_label(self, notice: Notification) -> str:
        return Kind(notice.kind).label if notice.kind in Kind.values else notice.kind


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """Who has which authenticator; never its secret (``data`` holds the sealed secret or seed).
    Operations may delete one so its owner enrols again; nothing here can read or change it."""

    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")
    search_fields = ("user__email",)

    def has_add_permission(self, request) -> bool:
        return False


class LockedNowFilter(admin.SimpleListFilter):
    title = "locked now"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return (("yes", "Locked out now"), ("no", "Not locked"))

    def queryset(self, request, queryset):
        locked = Q(locked_until__gt=clock.now())
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(AttemptCounter)
class AttemptCounterAdmin(admin.ModelAdmin):
    """Failed sign-ins and lease links by who tried (portal.ratelimit). Deleting a row unlocks it."""

    list_display = ("scope", "key", "count", "limit", "locked_until", "last_target", "last_ip", "updated_at")
    list_filter = (LockedNowFilter, "scope")
    search_fields = ("key", "last_target", "last_ip", "last_user__email")
    readonly_fields = [field.name for field in AttemptCounter._meta.fields]
    ordering = ("-updated_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
