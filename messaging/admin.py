"""Operations' inbox for secure messages, in the admin: filter by where each thread stands, assign
it, read it and reply (typing, or starting from a canned reply). Replies go through
messaging.services, which tells the lessees."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.timesince import timesince

from messaging import services
from messaging.forms import MAX_BODY
from messaging.models import Attachment, CannedReply, Message, Thread
from messaging.views import attachment_response
from portal import clock


class StandingFilter(admin.SimpleListFilter):
    title = "where it stands"
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return [
            ("open", "Open"),
            ("us", "Waiting on us"),
            ("lessee", "Waiting on the lessee"),
            ("closed", "Closed"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "open":
                return queryset.filter(status=Thread.Status.OPEN)
            case "us":
                return queryset.waiting_on_us()
            case "lessee":
                return queryset.waiting_on_lessee()
            case "closed":
                return queryset.filter(status=Thread.Status.CLOSED)
        return queryset


class ThreadForm(forms.ModelForm):
    """The thread's assignment, and a reply: typed, or a canned reply to start from."""

    canned_reply = forms.ModelChoiceField(
        queryset=CannedReply.objects.filter(active=True),
        required=False,
        help_text="Sent as written when the reply box is empty.",
    )
    reply = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=MAX_BODY)

    class Meta:
        model = Thread
        fields = ["assigned_to"]

    def reply_text(self) -> str:
        typed = self.cleaned_data.get("reply", "").strip()
        canned = self.cleaned_data.get("canned_reply")
        return typed or (canned.body if canned else "")


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("created_at", "author", "from_staff", "body", "files")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="attachments")
    def files(self, message: Message) -> str:
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:messaging_thread_attachment", args=[message.thread_id, a.public_id]), a.filename)
                for a in message.attachments.all()
            ),
        )


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    form = ThreadForm
    inlines = [MessageInline]
    list_display = ("__str__", "lessee", "standing", "waiting", "assigned_to", "last_message_at")
    list_filter = (StandingFilter, "topic", ("assigned_to", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("lease__vehicle__make", "assigned_to", "started_by")
    search_fields = ("lease__account_number", "started_by__email")
    readonly_fields = ("lease", "topic", "status", "started_by", "created_at", "awaiting_reply_since")
    fields = (*readonly_fields, "assigned_to", "canned_reply", "reply")
    actions = ["assign_to_me", "unassign"]
    ordering = ("-last_message_at",)

    def has_add_permission(self, request) -> bool:
        return False  # a thread starts with a lessee's message

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="lessee")
    def lessee(self, thread: Thread) -> str:
        return thread.started_by.email

    @admin.display(description="where it stands")
    def standing(self, thread: Thread) -> str:
        return {"us": "Waiting on us", "lessee": "Waiting on the lessee", "closed": "Closed"}[thread.waiting_on]

    @admin.display(description="unanswered for", ordering="awaiting_reply_since")
    def waiting(self, thread: Thread) -> str:
        return timesince(thread.awaiting_reply_since, clock.now()) if thread.awaiting_reply_since else "—"

    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset) -> None:
        done = services.threads_assign(queryset, staff_user=request.user)
        self.message_user(request, f"{done} conversation{'s' if done != 1 else ''} assigned to you.")

    @admin.action(description="Unassign")
    def unassign(self, request, queryset) -> None:
        services.threads_assign(queryset, staff_user=None)

    def changelist_view(self, request, extra_context=None):
        oldest = Thread.objects.waiting_on_us().aggregate(oldest=Min("awaiting_reply_since"))["oldest"]
        extra = {"oldest_unanswered": timesince(oldest, clock.now()) if oldest else None}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def save_model(self, request, obj: Thread, form: ThreadForm, change: bool) -> None:
        obj.save(update_fields=["assigned_to"])
        if text := form.reply_text():
            services.message_add(thread=obj, user=request.user, body=text, now=clock.now(), from_staff=True)
            messages.success(request, "Your reply is sent; the lessees are told a message is waiting.")

    def get_urls(self):
        view = self.admin_site.admin_view(self.attachment_view)
        url = path("<int:thread_pk>/attachment/<uuid:attachment_id>/", view, name="messaging_thread_attachment")
        return [url, *super().get_urls()]

    def attachment_view(self, request: HttpRequest, thread_pk: int, attachment_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = get_object_or_404(Attachment, message__thread_id=thread_pk, public_id=attachment_id)
        return attachment_response(found)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "active")
    list_filter = ("active",)
    search_fields = ("title", "body")
