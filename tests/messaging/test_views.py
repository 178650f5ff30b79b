"""The lessee's side: writing, replying, closing, reading attachments; and who can see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from messaging.files import CheckedFile
from messaging.models import Attachment, Message, Thread
from messaging.services import message_add, thread_start
from portal.models import Notification
from tests.factories import NOW, make_user
from tests.messaging.conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def compose(client, lease, **extra):
    data = {"lease": str(lease.public_id), "topic": "buyout", "body": "What would it cost to buy the car?", **extra}
    return client.post(reverse("messaging:compose"), data)


def test_a_lessee_writes_from_a_lease_page_link_with_the_lease_and_topic_chosen(client, personas):
    client.force_login(personas.owner)
    page = client.get(reverse("leases:detail", args=[personas.lease.public_id]))
    link = f"{reverse('messaging:compose')}?lease={personas.lease.public_id}"
    assert link.encode() in page.content
    form = client.get(link + "&topic=payment").context["form"]
    assert (form.initial["lease"], form.initial["topic"]) == (str(personas.lease.public_id), "payment")


def test_sending_a_message_with_attachments_stores_them_privately(client, personas):
    client.force_login(personas.owner)
    photo = SimpleUploadedFile("dent.jpg", image_bytes(exif=True), content_type="image/jpeg")
    bill = SimpleUploadedFile("statement.pdf", pdf_bytes(), content_type="application/pdf")
    response = compose(client, personas.lease, files=[photo, bill])
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("messaging:thread", args=[thread.public_id])
    assert (thread.lease, thread.topic, thread.waiting_on) == (personas.lease, "buyout", "us")
    stored = list(Attachment.objects.order_by("id"))
    assert [(a.filename, a.content_type) for a in stored] == [
        ("dent.jpg", "image/jpeg"),
        ("statement.pdf", "application/pdf"),
    ]
    assert all(a.file.name.startswith(f"private/messages/{thread.public_id}/") for a in stored)
    assert b"SnoopCam" not in stored[0].file.open("rb").read()


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ([("notes.txt", b"just some text")], "is not a PDF, JPEG or PNG"),
        ([(f"p{n}.png", image_bytes("PNG")) for n in range(4)], "at most 3 files"),
    ],
)
def test_a_bad_attachment_sends_nothing_and_says_why(client, personas, files, said):
    client.force_login(personas.owner)
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    response = compose(client, personas.lease, files=uploads)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Thread.objects.exists() and not Message.objects.exists() and not Attachment.objects.exists()


def test_an_empty_message_sends_nothing(client, personas):
    client.force_login(personas.owner)
    response = compose(client, personas.lease, body="   ")
    assert response.status_code == 400 and not Thread.objects.exists()


def test_another_customer_s_lease_cannot_be_chosen(client, personas):
    client.force_login(personas.outsider)
    assert compose(client, personas.lease).status_code == 400
    assert not Thread.objects.exists()


@pytest.fixture
def thread(personas):
    png = CheckedFile("a.png", "image/png", image_bytes("PNG"))
    return thread_start(lease=personas.lease, user=personas.owner, topic="other", body="Hello", files=[png], now=NOW)


def test_the_co_lessee_sees_and_answers_the_thread(client, personas, thread):
    client.force_login(personas.co_lessee)
    assert client.get(reverse("messaging:inbox")).context["rows"] == [(thread, False)]
    page = client.get(reverse("messaging:thread", args=[thread.public_id]))
    assert page.status_code == 200 and b"Hello" in page.content
    client.post(reverse("messaging:thread", args=[thread.public_id]), {"body": "Me too"})
    assert list(thread.messages.values_list("body", flat=True)) == ["Hello", "Me too"]


def test_another_customer_gets_404_for_the_thread_and_its_attachment(client, personas, thread):
    attachment = thread.messages.get().attachments.get()
    client.force_login(personas.outsider)
    assert client.get(reverse("messaging:thread", args=[thread.public_id])).status_code == 404
    url = reverse("messaging:attachment", args=[thread.public_id, attachment.public_id])
    assert client.get(url).status_code == 404
    assert client.get(reverse("messaging:inbox")).context["rows"] == []


def test_an_attachment_is_served_only_through_its_thread_and_never_cached(client, personas, thread):
    attachment = thread.messages.get().attachments.get()
    client.force_login(personas.owner)
    response = client.get(reverse("messaging:attachment", args=[thread.public_id, attachment.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    other = thread_start(lease=personas.other_lease, user=personas.outsider, topic="other", body="x", now=NOW)
    assert client.get(reverse("messaging:attachment", args=[other.public_id, attachment.public_id])).status_code == 404


def test_operations_reply_notifies_each_lessee_and_emails_a_link_without_the_text(
    client, personas, thread, settings, django_capture_on_commit_callbacks
):
    staff = make_user("ops@example.com", is_staff=True)
    secret = "Your payoff is 18,412.77 and your SSN ends 6789"
    with django_capture_on_commit_callbacks(execute=True):
        message = message_add(thread=thread, user=staff, body=secret, now=NOW, from_staff=True)
    [email] = mail.outbox
    assert sorted(email.to) == ["co@example.com", "owner@example.com"]
    thread_link = reverse("messaging:thread", args=[thread.public_id])
    assert settings.SITE_URL + thread_link in email.body
    for part in (email.subject, email.body, email.alternatives[0][0]):
        assert "18,412.77" not in part and "6789" not in part
    notices = Notification.objects.filter(kind="new_message")
    assert sorted(n.user.email for n in notices) == ["co@example.com", "owner@example.com"]
    assert {n.link for n in notices} == {thread_link}
    # A retried task sends nothing more.
    from messaging.tasks import send_new_message_email

    send_new_message_email(message.pk)
    assert len(mail.outbox) == 1


def test_the_navigation_counts_unread_replies_until_the_thread_is_opened(
    client, personas, thread, django_assert_num_queries
):
    staff = make_user("ops@example.com", is_staff=True)
    message_add(thread=thread, user=staff, body="One", now=NOW, from_staff=True)
    message_add(thread=thread, user=staff, body="Two", now=NOW, from_staff=True)
    client.force_login(personas.owner)
    inbox = client.get(reverse("messaging:inbox"))
    assert inbox.context["unread_messages"] == 2
    assert inbox.context["rows"] == [(thread, True)]
    client.get(reverse("messaging:thread", args=[thread.public_id]))
    assert client.get(reverse("messaging:inbox")).context["unread_messages"] == 0
    client.force_login(personas.co_lessee)
    assert client.get(reverse("messaging:inbox")).context["unread_messages"] == 2  # each lessee reads for themself


def test_both_header_counts_cost_one_query(rf, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.context_processors import unread_notifications

    request = rf.get("/")
    request.user = personas.owner
    context = unread_notifications(request)
    with CaptureQueriesContext(connection) as queries:
        assert context["unread_notifications"] == 0 and context["unread_messages"] == 0
        context = unread_notifications(request)  # rendered again in the same request: cached
        assert context["unread_messages"] == 0
    assert len(queries) == 1


def test_the_lessee_closes_the_thread_and_a_reply_opens_it_again(client, personas, thread):
    client.force_login(personas.owner)
    client.post(reverse("messaging:close", args=[thread.public_id]))
    thread.refresh_from_db()
    assert thread.status == "closed" and thread.waiting_on == "closed"
    client.post(reverse("messaging:thread", args=[thread.public_id]), {"body": "One more thing"})
    thread.refresh_from_db()
    assert thread.status == "open" and thread.waiting_on == "us"


def test_someone_with_no_lease_is_asked_to_link_one(client):
    client.force_login(make_user())
    response = client.get(reverse("messaging:compose"))
    assert response.status_code == 200 and reverse("leases:link").encode() in response.content


def test_a_reply_email_the_broker_dropped_is_sent_by_the_hourly_catch_up(
    personas, thread, django_capture_on_commit_callbacks
):
    staff = make_user("ops@example.com", is_staff=True)
    message = message_add(thread=thread, user=staff, body="Answer", now=NOW, from_staff=True)  # never queued
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    from messaging.tasks import messaging_emails_catch_up

    with django_capture_on_commit_callbacks(execute=True):
        assert messaging_emails_catch_up() == 1
    assert len(mail.outbox) == 1
    assert messaging_emails_catch_up() == 0


def test_past_the_hourly_limit_a_message_is_not_sent_and_the_page_says_why(client, personas):
    from messaging.views import SEND_LIMIT
    from portal import ratelimit

    for _ in range(SEND_LIMIT):
        assert ratelimit.hit(f"messages:user:{personas.owner.pk}", limit=SEND_LIMIT, window_seconds=3600)
    client.force_login(personas.owner)
    response = compose(client, personas.lease)
    assert response.status_code == 400
    assert "sent a lot of messages in the last hour" in response.content.decode()
    assert not Thread.objects.exists()
