"""Helpers for the tests that read what a Spanish-speaking lessee receives (emails, PDFs)."""

from __future__ import annotations

import re

# English words that must not show in a Spanish email or PDF (links aside).
ENGLISH = re.compile(
    r"\b(your|the|bill|balance|due|charges|deposit|payments|refund|statement|attached|appointment|"
    r"booked|calendar|bring|vehicle's|page|when|where|phone|account|online|move|cancel|hours|before)\b",
    re.IGNORECASE,
)


def english_words(text: str) -> set[str]:
    text = re.sub(r"https?://\S+", "", text)
    return {w.lower() for w in ENGLISH.findall(text)}


def by_reader(mailoutbox) -> dict[str, object]:
    """Each recipient's message (one address per message, as portal.mail sends per language)."""
    return {address: m for m in mailoutbox for address in m.to}


def speaks_spanish(user) -> None:
    user.language = "es"
    user.save(update_fields=["language"])
