"""The lessee's side of secure messages. Every thread and attachment is fetched through the
signed-in user's leases, so another customer's is a 404; operations answer from the admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leases.models import Lease
from messaging import services
from messaging.forms import NewThreadForm, ReplyForm
from messaging.models import Attachment, Thread, Topic
from portal import clock, ratelimit
from portal.models import Notification
from portal.notify import Kind

# Messages one user may send in an hour: plenty for a person, a wall for a script.
SEND_LIMIT = 30


def _may_send(request: HttpRequest, form) -> bool:
    """Count this message against the user's hourly limit; past it, say so on the form."""
    if ratelimit.hit(f"messages:user:{request.user.pk}", limit=SEND_LIMIT, window_seconds=3600):
        return True
    form.add_error(None, "You have sent a lot of messages in the last hour. Please wait a while and send it again.")
    return False


def _thread_for_user(user, public_id) -> Thread:
    try:
        return Thread.objects.for_customer(user).select_related("lease__vehicle__make").get(public_id=public_id)
    except (Thread.DoesNotExist, ValueError):
        raise Http404("No such conversation") from None


def _unread_links(user) -> set[str]:
    """The threads (by link) with a reply from us the user has not seen: their unread notices."""
    unread = Notification.objects.filter(user=user, kind=Kind.NEW_MESSAGE).unread()
    return set(unread.values_list("link", flat=True))


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    threads = list(Thread.objects.for_customer(request.user).select_related("lease__vehicle__make")[:100])
    unread = _unread_links(request.user)
    rows = [(thread, services.thread_url(thread) in unread) for thread in threads]
    return render(request, "messaging/inbox.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """A new message; ``?lease=`` and ``?topic=`` choose for the lessee (from a lease page or help)."""
    leases = list(Lease.objects.for_customer(request.user).select_related("vehicle__make").order_by("-start_date"))
    if not leases:
        return render(request, "messaging/no_lease.html")
    if request.method == "POST":
        form = NewThreadForm(request.POST, request.FILES, leases=leases)
        if form.is_valid() and _may_send(request, form):
            data = form.cleaned_data
            thread = services.thread_start(
                lease=data["lease"],
                user=request.user,
                topic=data["topic"],
                body=data["body"],
                files=data["files"],
                now=clock.now(),
            )
            messages.success(request, _("Your message is sent. We'll reply here and email you when we do."))
            return redirect("messaging:thread", thread.public_id)
    else:
        initial = {"lease": request.GET.get("lease", ""), "topic": request.GET.get("topic", "")}
        if initial["topic"] not in Topic.values:
            initial["topic"] = ""
        form = NewThreadForm(initial=initial, leases=leases)
    return render(request, "messaging/compose.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, thread_id) -> HttpResponse:
    thread = _thread_for_user(request.user, thread_id)
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid() and _may_send(request, form):
            services.message_add(
                thread=thread,
                user=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                now=clock.now(),
                from_staff=False,
            )
            messages.success(request, _("Your reply is sent."))
            return redirect("messaging:thread", thread.public_id)
    else:
        form = ReplyForm()
        _mark_read(request.user, thread)
    conversation = thread.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    context = {"thread": thread, "conversation": conversation, "form": form}
    return render(request, "messaging/thread.html", context, status=400 if form.is_bound else 200)


def _mark_read(user, thread: Thread) -> None:
    Notification.objects.filter(kind=Kind.NEW_MESSAGE, link=services.thread_url(thread)).mark_read(user)


@login_required
@require_POST
def thread_close(request: HttpRequest, thread_id) -> HttpResponse:
    thread = _thread_for_user(request.user, thread_id)
    if services.thread_close(thread=thread, now=clock.now()):
        messages.success(request, _("This conversation is closed. Reply at any time to open it again."))
    return redirect("messaging:thread", thread.public_id)


@login_required
@require_GET
@never_cache
def attachment(request: HttpRequest, thread_id, attachment_id) -> FileResponse:
    """One attachment, only to a lessee on the thread's lease; never cached on the way."""
    thread = _thread_for_user(request.user, thread_id)
    found = Attachment.objects.filter(message__thread=thread, public_id=attachment_id).first()
    if found is None:
        raise Http404("No such attachment")
    return attachment_response(found)


def attachment_response(found: Attachment) -> FileResponse:
    """The stored file with its checked type; a PDF downloads, an image shows (operations use it too)."""
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        as_attachment=found.content_type == "application/pdf",
        filename=found.filename,
    )
    response["Cache-Control"] = "no-store, private"
    return response
