from django.urls import path

from returnkit.turnin import dealer_views, views

app_name = "turnin"
urlpatterns = [
    # Lessees: every URL is under their lease's UUID and fetched through lease_for_user.
    path("vehicles/<uuid:public_id>/turn-in/", views.find_dealer, name="find"),
    path("vehicles/<uuid:public_id>/turn-in/cancel/", views.cancel, name="cancel"),
    path("vehicles/<uuid:public_id>/turn-in/turn-in.ics", views.appointment_calendar, name="ics"),
    path("vehicles/<uuid:public_id>/turn-in/receipt.pdf", views.receipt, name="receipt"),
    path("vehicles/<uuid:public_id>/turn-in/<slug:dealer_code>/", views.choose_time, name="times"),
    # Dealer staff.
    path("dealer/", dealer_views.day_view, name="dealer_day"),
    path("dealer/walk-in/", dealer_views.walk_in, name="dealer_walk_in"),
    path("dealer/walk-in/<uuid:public_id>/", dealer_views.walk_in_check_in, name="dealer_walk_in_check_in"),
    path("dealer/appointments/<uuid:public_id>/", dealer_views.appointment_check_in, name="dealer_check_in"),
    path("dealer/turn-ins/<uuid:public_id>/", dealer_views.turnin_detail, name="dealer_turnin"),
    path("dealer/turn-ins/<uuid:public_id>/receipt.pdf", dealer_views.turnin_receipt, name="dealer_receipt"),
]
