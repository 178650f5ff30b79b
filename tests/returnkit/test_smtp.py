"""The kit email delivered to a real SMTP server (aiosmtpd on a free local port)."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from returnkit.models import Reminder
from returnkit.reminders import send_chunk
from tests.factories import TODAY, lease_ending_in, make_lessee, make_user

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def test_kit_email_reaches_an_smtp_server_with_the_pdf_attached(smtp_inbox):
    lease = lease_ending_in(100, lessee=make_lessee(make_user("robin@example.com")))

    assert send_chunk([lease.pk], Reminder.Kind.KIT_120, TODAY).sent == 1

    [envelope] = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["robin@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert "Vehicle Return Kit" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"vehicle-return-kit-{lease.account_number}.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert message.get_body(("html",)).get_content().count(str(lease.public_id)) >= 1
    assert f"/vehicles/{lease.public_id}/" in message.get_body(("plain",)).get_content()
    assert Reminder.objects.get(lease=lease).status == Reminder.Status.SENT
