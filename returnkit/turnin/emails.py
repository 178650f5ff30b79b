"""What turn-in emails attach besides their templates (templates/email/turnin/, sent by portal.mail)."""

from __future__ import annotations

from email.message import MIMEPart


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
