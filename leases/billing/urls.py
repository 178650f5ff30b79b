"""Billing pages, in the "leases" namespace under /vehicles/<lease>/."""

from django.urls import path

from leases.billing import views

urlpatterns = [
    path("<uuid:public_id>/bill/", views.bill_detail, name="bill"),
    path("<uuid:public_id>/bill/statement.pdf", views.bill_statement, name="statement"),
    path("<uuid:public_id>/pay/", views.payment_new, name="pay"),
    path("<uuid:public_id>/payments/<uuid:payment_id>/", views.payment_receipt, name="receipt"),
    path("<uuid:public_id>/payments/<uuid:payment_id>/cancel/", views.payment_cancel, name="payment_cancel"),
]
