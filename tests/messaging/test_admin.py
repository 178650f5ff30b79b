"""Operations' inbox: where each thread stands, assignment, the oldest unanswered, replying."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from messaging.files import CheckedFile
from messaging.models import CannedReply, Thread
from messaging.services import message_add, thread_close, thread_start
from tests.factories import NOW, make_user
from tests.messaging.conftest import image_bytes

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:messaging_thread_changelist")


@pytest.fixture
def threads(personas, staff):
    """One waiting on us for 3 days, one waiting on the lessee, one closed."""
    start = {"lease": personas.lease, "user": personas.owner, "body": "Question"}
    waiting = thread_start(topic="payment", now=NOW - dt.timedelta(days=3), **start)
    answered = thread_start(topic="buyout", now=NOW - dt.timedelta(days=1), **start)
    message_add(thread=answered, user=staff, body="Answer", now=NOW, from_staff=True)
    closed = thread_start(topic="other", now=NOW, **start)
    thread_close(thread=closed, now=NOW)
    return {"us": waiting, "lessee": answered, "closed": closed}


def listed(client, **params) -> set:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {thread.pk for thread in response.context["cl"].result_list}


def test_the_inbox_filters_by_where_each_thread_stands(client, staff, threads):
    client.force_login(staff)
    ids = {name: t.pk for name, t in threads.items()}
    assert listed(client, standing="us") == {ids["us"]}
    assert listed(client, standing="lessee") == {ids["lessee"]}
    assert listed(client, standing="open") == {ids["us"], ids["lessee"]}
    assert listed(client, standing="closed") == {ids["closed"]}


def test_the_inbox_shows_how_long_the_oldest_unanswered_message_has_waited(client, staff, threads):
    client.force_login(staff)
    page = client.get(CHANGELIST).content.decode()
    assert "Oldest unanswered message: waiting 3\xa0days" in page


def test_assign_to_me_gives_the_selected_threads_to_the_one_who_asked(client, staff, threads):
    client.force_login(staff)
    chosen = [threads["us"].pk, threads["lessee"].pk]
    client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": chosen})
    assigned = dict(Thread.objects.values_list("pk", "assigned_to"))
    assert assigned == {threads["us"].pk: staff.pk, threads["lessee"].pk: staff.pk, threads["closed"].pk: None}
    assert listed(client, assigned_to__id__exact=staff.pk) == set(chosen)


def test_a_canned_reply_answers_the_thread_and_tells_the_lessees(
    client, staff, threads, personas, mailoutbox, django_capture_on_commit_callbacks
):
    canned = CannedReply.objects.create(title="Payoff", body="Your payoff quote is on your lease page.")
    thread = threads["us"]
    client.force_login(staff)
    url = reverse("admin:messaging_thread_change", args=[thread.pk])
    assert client.get(url).status_code == 200
    form = {
        "assigned_to": staff.pk,
        "canned_reply": canned.pk,
        "reply": "",
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "1",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-id": thread.messages.get().pk,
        "messages-0-thread": thread.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    thread.refresh_from_db()
    assert (thread.waiting_on, thread.assigned_to) == ("lessee", staff)
    assert list(thread.messages.values_list("from_staff", "body")) == [
        (False, "Question"),
        (True, "Your payoff quote is on your lease page."),
    ]
    [email] = mailoutbox
    assert sorted(email.to) == ["co@example.com", "owner@example.com"]
    assert "lease page" not in email.body  # the canned text stays in the portal


def test_operations_open_an_attachment_and_lessees_cannot_use_the_admin_link(client, staff, personas):
    thread = thread_start(
        lease=personas.lease,
        user=personas.owner,
        topic="other",
        body="Photo",
        files=[CheckedFile("p.png", "image/png", image_bytes("PNG"))],
        now=NOW,
    )
    attachment = thread.messages.get().attachments.get()
    url = reverse("admin:messaging_thread_attachment", args=[thread.pk, attachment.public_id])
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    client.force_login(personas.owner)
    assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(make_user("nobody@example.com"))
    assert client.get(url).status_code == 302
