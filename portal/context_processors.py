from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.language import lessor_words
from portal.notify import unread_counts


def lessor(request: HttpRequest) -> dict:
    return {"LESSOR": lessor_words()}


def unread_notifications(request: HttpRequest) -> dict:
    """The header's unread counts, notices and new messages (a new message is an unread
    "new_message" notice), for a signed-in user: read lazily from the cache
    (``portal.notify.unread_counts``), one small query only when the cache has lost them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = SimpleLazyObject(lambda: unread_counts_of(request, user))
    return {
        "unread_notifications": SimpleLazyObject(lambda: counts["all"]),
        "unread_messages": SimpleLazyObject(lambda: counts["messages"]),
    }


def unread_counts_of(request: HttpRequest, user) -> dict[str, int]:
    """The user's unread counts, read once per request (the header's chrome and a page may both ask)."""
    if not hasattr(request, "_unread_counts"):
        request._unread_counts = unread_counts(user.pk)
    return request._unread_counts
