from django.urls import path

from wear import inspector_views, views

app_name = "wear"

urlpatterns = [
    # The lessee's pages, under the lease.
    path("vehicles/<uuid:public_id>/pre-inspection/", views.pre_inspection, name="pre_inspection"),
    path("vehicles/<uuid:public_id>/pre-inspection/estimate/", views.pre_estimate, name="pre_estimate"),
    path("vehicles/<uuid:public_id>/pre-inspection/estimate.pdf", views.pre_pdf, name="pre_pdf"),
    path("vehicles/<uuid:public_id>/pre-inspection/<slug:area>/", views.pre_area, name="pre_area"),
    path(
        "vehicles/<uuid:public_id>/pre-inspection/items/<uuid:item_id>/remove/",
        views.pre_item_delete,
        name="pre_item_delete",
    ),
    path("vehicles/<uuid:public_id>/condition-report/", views.report, name="report"),
    path("vehicles/<uuid:public_id>/condition-report/dispute/", views.dispute_new, name="dispute_new"),
    path("vehicles/<uuid:public_id>/disputes/<uuid:dispute_id>/", views.dispute_detail, name="dispute"),
    # Photos: every viewer goes through the owner-scoped view.
    path("wear/photos/<uuid:public_id>/", views.photo, name="photo"),
    path("wear/photos/<uuid:public_id>/thumbnail/", views.photo, {"size": "thumb"}, name="photo_thumb"),
    # Inspectors and operations.
    path("inspect/", inspector_views.home, name="inspector_home"),
    path("inspect/reports/<uuid:public_id>/", inspector_views.report, name="inspector_report"),
    path("inspect/reports/<uuid:public_id>/complete/", inspector_views.complete, name="inspector_complete"),
    path("inspect/reports/<uuid:public_id>/<slug:area>/", inspector_views.area, name="inspector_area"),
    path(
        "inspect/reports/<uuid:public_id>/items/<uuid:item_id>/remove/",
        inspector_views.item_delete,
        name="inspector_item_delete",
    ),
]
