from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.language import lessor_words
from portal.models import Notification
from portal.notify import Kind


def lessor(request: HttpRequest) -> dict:
    return {"LESSOR": lessor_words()}


UNREAD_SHOWN_UP_TO = 100


def unread_notifications(request: HttpRequest) -> dict:
    """The header's unread counts, notices and new messages (a new message is an unread
    "new_message" notice): one small, lazy query for a signed-in user, made at most once a
    request; none otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: _unread_counts(request, user))
    return {
        "unread_notifications": SimpleLazyObject(lambda: counts["all"]),
        "unread_messages": SimpleLazyObject(lambda: counts["messages"]),
    }


def _unread_counts(request: HttpRequest, user) -> dict[str, int]:
    if not hasattr(request, "_unread_counts"):
        # Counting stops at 100 (the badge shows "99+"), so a huge backlog stays a cheap query.
        latest = Notification.objects.filter(user=user).unread()[:UNREAD_SHOWN_UP_TO]
        request._unread_counts = latest.aggregate(
            all=Count("pk"), messages=Count("pk", filter=Q(kind=Kind.NEW_MESSAGE))
        )
    return request._unread_counts
