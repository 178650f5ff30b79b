"""An article's body as safe HTML: the lessor's details filled in, Markdown rendered, then sanitised."""

from __future__ import annotations

import re

import markdown
import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "align"}, "td": {"align"}}


def placeholders() -> dict[str, str]:
    """What ``{{ name }}`` may name in an article: ``lessor_name`` and every key of settings.LESSOR."""
    return {"lessor_name": settings.LESSOR["name"], **settings.LESSOR}


def fill(text: str) -> str:
    values = placeholders()
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - placeholders().keys())


def body_html(body: str) -> SafeString:
    html = markdown.markdown(fill(body), extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"})
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with the allow-list above
