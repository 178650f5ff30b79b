"""Emails to lessees: subject / text / HTML templates under templates/email/turnin/."""

from __future__ import annotations

from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def calendar_part(ics: bytes, *, method: str) -> MIMEPart:
    """An .ics attachment whose Content-Type carries METHOD, as calendar clients expect."""
    part = MIMEPart()
    part.set_content(
        ics.decode(),
        subtype="calendar",
        params={"method": method},
        disposition="attachment",
        filename="turn-in.ics",
    )
    return part


def send(kind: str, context: dict, *, to: list[str], attachments: list | None = None) -> None:
    if not to:
        return
    subject = " ".join(render_to_string(f"email/turnin/{kind}_subject.txt", context).split())
    message = EmailMultiAlternatives(subject, render_to_string(f"email/turnin/{kind}_body.txt", context), to=to)
    message.attach_alternative(render_to_string(f"email/turnin/{kind}_body.html", context), "text/html")
    for attachment in attachments or []:
        if isinstance(attachment, MIMEPart):
            message.attach(attachment)
        else:
            message.attach(*attachment)
    message.send()
