"""Posting at once from many threads, each with its own database connection."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client


def fire_at_once(url: str, user, forms: list[dict]) -> list:
    """POST each form from its own thread and connection, all released at the same moment."""
    barrier = threading.Barrier(len(forms))
    responses: list = [None] * len(forms)

    def worker(i: int) -> None:
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            responses[i] = client.post(url, forms[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses
