"""Posting (or calling) at once from many threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection
from django.test import Client


def call_at_once(calls: list[Callable[[], object]]) -> list:
    """Call each function from its own thread and connection, all released at the same moment.

    Returns what each call returned, or the exception it raised (for the test to look at).
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = calls[i]()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def fire_at_once(url: str, user, forms: list[dict]) -> list:
    """POST each form from its own signed-in client, thread and connection, all at the same moment.
    The clients sign in first, so the posts themselves are what race."""
    clients = [Client() for _ in forms]
    for client in clients:
        client.force_login(user)
    return call_at_once(
        [lambda client=client, form=form: client.post(url, form) for client, form in zip(clients, forms, strict=True)]
    )
