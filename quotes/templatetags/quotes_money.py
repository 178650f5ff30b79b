from decimal import Decimal

from django import template

from quotes.engine import usd as _usd

register = template.Library()


@register.filter
def usd(value: Decimal | int | str | None) -> str:
    """{{ amount|usd }}: US dollars with cents; a credit with a minus sign."""
    if value is None or value == "":
        return ""
    return _usd(value)
