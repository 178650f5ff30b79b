from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leases.selectors import lease_for_user
from portal import clock, notify
from portal.models import Notification
from returnkit.services import kit_for_lease

NOTIFICATIONS_SHOWN = 50


@login_required
@require_GET
def kit_pdf(request: HttpRequest, public_id) -> FileResponse:
    """The lessee's own kit, built again only when the lease's data has changed since the stored one."""
    lease = lease_for_user(request.user, public_id)
    kit = kit_for_lease(lease, today=clock.today())
    return FileResponse(kit.pdf.open("rb"), content_type="application/pdf", filename=kit.filename)


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The latest notices, newest first; showing them marks them read."""
    shown = list(Notification.objects.filter(user=request.user)[:NOTIFICATIONS_SHOWN])
    for n in shown:
        n.shown_title = notify.title_shown(n)
    unread = [n.pk for n in shown if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).mark_read(request.user)
    return render(request, "returnkit/notifications.html", {"notifications": shown})
