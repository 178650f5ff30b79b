"""Every email the portal sends goes through ``send`` here: one template scheme, one context.

An email is named ``<app>/<name>`` and is three templates under ``templates/email/``:

- ``<app>/<name>_subject.txt``: the subject, whitespace collapsed to one line;
- ``<app>/<name>_body.txt``: the plain-text body;
- ``<app>/<name>_body.html``: the HTML alternative.

(Partials the bodies include start with an underscore, e.g. ``turnin/_appointment.txt``.)
Each template sees the lessor's settings as ``LESSOR`` and the public address as ``site_url``
besides what the caller passes. Attachments are ``(filename, content, mimetype)`` tuples or
ready MIME parts (a calendar invitation whose Content-Type carries METHOD).

Each email is written in its reader's language: ``send`` groups the addresses by the language
stored on their accounts (``portal.language``; English for an address with no account) and
renders once per language, or renders in ``language`` when the caller names one. That is what
makes an email sent by a Celery task, with no request and no active language, come in Spanish
to a lessee who reads Spanish.

Sending once is not this module's business: callers send inside ``portal.once.claimed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from portal.language import languages_for_addresses, lessor_words

Attachment = MIMEPart | tuple[str, bytes | str, str]


def _context(context: dict) -> dict:
    return {**context, "LESSOR": lessor_words(), "site_url": settings.SITE_URL}


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
    language: str | None = None,
) -> EmailMultiAlternatives:
    """The email ``name`` rendered for ``to`` in ``language`` (default: the first address's),
    not yet sent.

    ``send`` is this and the sending; the reminder chunk renders with it and sends the messages
    over one SMTP session itself.
    """
    if language is None:
        language = next(iter(languages_for_addresses(to[:1])), None)
    with translation.override(language):
        return _message(name, _context(context), to=to, attachments=attachments, headers=headers)


def _message(
    name: str, context: dict, *, to: Sequence[str], attachments: Iterable[Attachment], headers: dict[str, str] | None
) -> EmailMultiAlternatives:
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
    language: str | None = None,
) -> None:
    """Render the email ``name`` and send it to ``to``, in ``language`` or else in each reader's
    own (one message per language); nobody to send to, nothing rendered or sent."""
    attachments = list(attachments)
    groups = {language: list(to)} if language and to else languages_for_addresses(to)
    for code, addresses in groups.items():
        message(name, context, to=addresses, attachments=attachments, headers=headers, language=code).send()
