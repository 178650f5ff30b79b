"""Email backends for failure cases: the local-memory outbox, but some recipients fail."""

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
