"""Email backends for failure cases: the local-memory outbox with some recipients failing, or no server."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailsForSomeRecipients(EmailBackend):
    """Delivers like locmem, except a message to an address starting "fail@" loses the connection."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.startswith("fail@") for address in message.to):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            super().send_messages([message])
        return len(messages)


class Unreachable(EmailBackend):
    """The mail server is down: every message fails before anything is handed over."""

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
