"""Wording helpers shared by pages, emails and PDFs (money is formatted by quotes.engine.usd)."""

import datetime as dt


def long_date(day: dt.date) -> str:
    """A date as a lessee reads it: "November 25, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"
