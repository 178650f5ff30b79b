from django.urls import path

from returnkit import views

app_name = "returnkit"
urlpatterns = [
    path("vehicles/<uuid:public_id>/return-kit.pdf", views.kit_pdf, name="kit_pdf"),
    path("notifications/", views.notifications, name="notifications"),
]
