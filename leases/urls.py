from django.urls import include, path

from leases import views

app_name = "leases"
urlpatterns = [
    path("", views.lease_list, name="list"),
    path("link/", views.lease_link_view, name="link"),
    path("<uuid:public_id>/", views.lease_detail, name="detail"),
    path("<uuid:public_id>/odometer/", views.odometer_new, name="odometer"),
    path("", include("leases.billing_urls")),
]
