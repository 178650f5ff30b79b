from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from leases.urls import urlpatterns as lease_urls
from portal import lease_page, views

admin.site.site_header = "Lease-end operations"
admin.site.site_title = "Lease-end operations"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_centre, name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path(
        "vehicles/",
        include(([*lease_urls, path("<uuid:public_id>/", lease_page.lease_detail, name="detail")], "leases")),
    ),
    path("", include("quotes.urls")),
    path("", include("returnkit.urls")),
    path("", include("returnkit.turnin.urls")),
    path("", include("wear.urls")),
    path("ops/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:  # only when `make bench` serves the app
    urlpatterns.append(path("bench/floor/<int:pk>", views.bench_floor))
