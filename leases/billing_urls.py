"""Billing pages, in the "leases" namespace under /vehicles/<lease>/."""

from django.urls import path

from leases import billing_views

urlpatterns = [
    path("<uuid:public_id>/bill/", billing_views.bill_detail, name="bill"),
    path("<uuid:public_id>/bill/statement.pdf", billing_views.bill_statement, name="statement"),
    path("<uuid:public_id>/pay/", billing_views.payment_new, name="pay"),
    path("<uuid:public_id>/payments/<uuid:payment_id>/", billing_views.payment_receipt, name="receipt"),
]
