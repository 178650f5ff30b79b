"""The portal's formatting filters, built into every template (TEMPLATES "builtins" in settings).

``{{ amount|usd }}`` and ``{{ day|long_date }}`` call ``quotes.engine.usd`` and ``quotes.engine.long_date``,
the one money and the one long-date formatter: views, panels and emails pass Decimals and dates, and
templates format them with these two filters and no other way. Itemized lines (quotes, final
bills) are shown through ``|lines_shown`` and ``|zero_lines_sentence``: ``engine.lines_presented``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from quotes import engine, rules

register = template.Library()


@register.filter
def usd(value: Decimal | int | str | None) -> str:
    """{{ amount|usd }}: US dollars with cents, "$1,234.56"; a credit with a minus sign, "−$500.00"."""
    if value is None or value == "":
        return ""
    return engine.usd(value)


@register.filter(expects_localtime=True)
def long_date(value: dt.date | str | None) -> str:
    """{{ day|long_date }}: "December 15, 2026", in Spanish "15 de diciembre de 2026" (quotes.rules).

    A datetime is read in the site's time zone, as Django's own date filter reads it. ISO text
    ("2026-12-15") is read as the day it names: JSON snapshots such as the return kit hold dates so.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return rules.long_date(value)


@register.filter(expects_localtime=True)
def short_date(value: dt.date | None, year: str = "year") -> str:
    """{{ day|short_date }}: "Dec 5, 2026"; {{ day|short_date:"no year" }}: "Dec 5"; in Spanish
    "5 de diciembre de 2026" / "5 de diciembre" (quotes.rules.short_date)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return rules.short_date(value, year=year != "no year")


@register.filter
def line_label(line) -> str:
    """{{ line|line_label }}: a quote, bill or kit line's title in the reader's language."""
    return rules.line_label(line)


@register.filter
def line_rule(line) -> str:
    """{{ line|line_rule }}: the sentence behind a line's amount in the reader's language."""
    return rules.line_rule(line)


@register.filter
def lines_shown(lines) -> list:
    """{% for line in quote.lines|lines_shown %}: the lines that apply (engine.lines_presented)."""
    return engine.lines_presented(lines or [])[0]


@register.filter
def zero_lines_sentence(lines) -> str:
    """{{ quote.lines|zero_lines_sentence }}: what was checked and found to be $0.00, in one sentence."""
    return rules.zero_lines_sentence(lines)
