"""The leases app's pages, mounted under /vehicles/ in the "leases" namespace by portal.urls
(which adds the lease page itself, composed from every app)."""

from django.urls import include, path

from leases import views

urlpatterns = [
    path("", views.lease_list, name="list"),
    path("link/", views.lease_link_view, name="link"),
    path("<uuid:public_id>/odometer/", views.odometer_new, name="odometer"),
    path("<uuid:public_id>/odometer/correct/", views.odometer_correct_view, name="odometer_correct"),
    path("", include("leases.billing.urls")),
]
