from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.models import Notification


def lessor(request: HttpRequest) -> dict:
    return {"LESSOR": settings.LESSOR}


UNREAD_SHOWN_UP_TO = 100


def unread_notifications(request: HttpRequest) -> dict:
    """The header's unread count: one small, lazy query for a signed-in user, none otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        # Counting stops at 100 (the badge shows "99+"), so a huge backlog stays a cheap query.
        return Notification.objects.filter(user=user).unread()[:UNREAD_SHOWN_UP_TO].count()

    return {"unread_notifications": SimpleLazyObject(count)}
