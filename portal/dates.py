"""Dates in words in the reader's language (issue 15): one home for the long and the short date,
used by the template filters (``|long_date``, ``|short_date``), quote rules and the lease-end tracker."""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat
from django.utils.translation import pgettext

from portal import clock
from quotes import engine


def long_date(day: dt.date) -> str:
    """A date in words in the active language: "December 21, 2026", "21 de diciembre de 2026"."""
    pattern = pgettext("long date, as Django's date filter takes it", "F j, Y")
    if pattern == "F j, Y":
        return engine.long_date(day)  # English: the engine's own words
    return dateformat.format(day, pattern)


def short_date(day: dt.date, *, year: bool = True) -> str:
    """A short date in the active language: "Dec 5, 2026" / "Dec 5"; in Spanish the month in full,
    "5 de diciembre de 2026" / "5 de diciembre" (Spanish month abbreviations read poorly).

    ``year=False`` leaves the year out only when it is the portal clock's year: a reading from
    October 2023 still says 2023."""
    if year or day.year != clock.today().year:
        pattern = pgettext("short date, as Django's date filter takes it", "M j, Y")
    else:
        pattern = pgettext("short date without the year, as Django's date filter takes it", "M j")
    return dateformat.format(day, pattern)
