from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from helpcentre import views as help_views
from leases.urls import urlpatterns as lease_urls
from portal import language, lease_page, views

handler500 = "portal.views.server_error"

admin.site.site_header = "Lease-end operations"
admin.site.site_title = "Lease-end operations"
# Operations sign in through allauth (two-factor, attempt limits), never the admin's own form:
# /ops/login/ sends them to the sign-in page with its ?next=.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", help_views.help_home, name="help"),
    path("help/", include("helpcentre.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("language/", language.language_set, name="language_set"),
    path("accounts/", include("allauth.urls")),
    path(
        "vehicles/",
        include(([*lease_urls, path("<uuid:public_id>/", lease_page.lease_detail, name="detail")], "leases")),
    ),
    path("", include("quotes.urls")),
    path("", include("returnkit.urls")),
    path("", include("returnkit.turnin.urls")),
    path("", include("messaging.urls")),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("", include("wear.urls")),
    path("ops/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:  # only when `make bench` serves the app
    urlpatterns += [path("bench/floor/<int:pk>", views.bench_floor), path("bench/shell", views.bench_shell)]
