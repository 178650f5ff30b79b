from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.compose, name="compose"),
    path("messages/<uuid:thread_id>/", views.thread_detail, name="thread"),
    path("messages/<uuid:thread_id>/close/", views.thread_close, name="close"),
    path("messages/<uuid:thread_id>/files/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
