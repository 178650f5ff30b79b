"""Every email the portal sends goes through ``send`` here: one template scheme, one context.

An email is named ``<app>/<name>`` and is three templates under ``templates/email/``:

- ``<app>/<name>_subject.txt``: the subject, whitespace collapsed to one line;
- ``<app>/<name>_body.txt``: the plain-text body;
- ``<app>/<name>_body.html``: the HTML alternative.

(Partials the bodies include start with an underscore, e.g. ``turnin/_appointment.txt``.)
Each template sees the lessor's settings as ``LESSOR`` and the public address as ``site_url``
besides what the caller passes. Attachments are ``(filename, content, mimetype)`` tuples or
ready MIME parts (a calendar invitation whose Content-Type carries METHOD).

Sending once is not this module's business: callers send inside ``portal.once.claimed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

Attachment = MIMEPart | tuple[str, bytes | str, str]


def _context(context: dict) -> dict:
    return {**context, "LESSOR": settings.LESSOR, "site_url": settings.SITE_URL}


def subject(name: str, context: dict) -> str:
    """The subject line alone (portal notices reuse it as their title)."""
    return " ".join(render_to_string(f"email/{name}_subject.txt", _context(context)).split())


def message(
    name: str,
    context: dict,
    *,
    to: Sequence[str],
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The email ``name`` rendered for ``to``, not yet sent.

    ``send`` is this and the sending; the reminder chunk renders with it and sends the messages
    over one SMTP session itself.
    """
    context = _context(context)
    email = EmailMultiAlternatives(
        subject(name, context),
        render_to_string(f"email/{name}_body.txt", context),
        to=list(to),
        attachments=list(attachments),
        headers=headers,
    )
    email.attach_alternative(render_to_string(f"email/{name}_body.html", context), "text/html")
    return email


def send(
    name: str,
    context: dict,
    *,
    to: Sequence[str],
    attachments: Iterable[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> None:
    """Render the email ``name`` and send it to ``to``; nobody to send to, nothing rendered or sent."""
    if to:
        message(name, context, to=to, attachments=attachments, headers=headers).send()
