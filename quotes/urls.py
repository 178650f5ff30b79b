from django.urls import path

from quotes import views

app_name = "quotes"
urlpatterns = [
    path("vehicles/<uuid:public_id>/quotes/new/", views.quote_choose, name="choose"),
    path("vehicles/<uuid:public_id>/quotes/new/<slug:kind>/", views.quote_new, name="new"),
    path("vehicles/<uuid:public_id>/quotes/<uuid:quote_id>/", views.quote_detail, name="detail"),
    path("vehicles/<uuid:public_id>/quotes/<uuid:quote_id>/pdf/", views.quote_pdf, name="pdf"),
    path("vehicles/<uuid:public_id>/quotes/<uuid:quote_id>/pay/", views.buyout_pay, name="pay_buyout"),
    path("vehicles/<uuid:public_id>/quotes/<uuid:quote_id>/extend/", views.extension_request, name="extend"),
    path("vehicles/<uuid:public_id>/extensions/<uuid:request_id>/", views.extension_detail, name="extension"),
    path("vehicles/<uuid:public_id>/compare/", views.quote_compare, name="compare"),
    path("quotes/<uuid:quote_id>/", views.quote_short_link, name="short"),
    path("quotes/<uuid:quote_id>/pdf/", views.quote_short_link, {"as_pdf": True}, name="short_pdf"),
]
