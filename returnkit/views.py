from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leases.selectors import lease_for_user
from portal import clock, notify
from portal.cache import page_data
from portal.models import Notification
from returnkit.kit import KIT_VERSION
from returnkit.models import KitSnapshot
from returnkit.render import KIT_PDF
from returnkit.services import kit_for_lease

NOTIFICATIONS_SHOWN = 50


@login_required
@require_GET
def kit_pdf(request: HttpRequest, public_id) -> FileResponse:
    """The lessee's own kit, built again only when the lease's data has changed since the stored one.

    Which stored kit is current is kept per user (``page_data``) until the lease or anything global
    changes, as the lease page's data is: a download of an unchanged kit reads the kit's row alone."""
    today = clock.today()
    kit_id = page_data(
        "kit",
        user_id=request.user.pk,
        part=f"{public_id}:{KIT_VERSION}",
        compute=lambda: _kit_id(request, public_id, today),
    )
    kit = KitSnapshot.objects.select_related("lease").only("pdf", "lease__account_number").filter(pk=kit_id).first()
    if kit is None or not KIT_PDF.is_stored(kit):  # its file gone (storage moved or lost): the long way
        kit = kit_for_lease(lease_for_user(request.user, public_id), today=today)
    return FileResponse(kit.pdf.open("rb"), content_type="application/pdf", filename=kit.filename)


def _kit_id(request: HttpRequest, public_id, today) -> tuple[int, set[str]]:
    """The current kit of the user's lease (a 404 unless it is theirs), made if there is none yet."""
    lease = lease_for_user(request.user, public_id)
    return kit_for_lease(lease, today=today).pk, {f"lease:{lease.pk}"}


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
