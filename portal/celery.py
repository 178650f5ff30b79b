"""The Celery app. Without a broker URL, settings make every task run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["leases.billing"])  # billing is a sub-package of the leases app
app.autodiscover_tasks(["portal"], related_name="pdf")  # portal.pdf.render_stored_pdf
