"""``{% chrome "portal/_chrome_header.html" %}``: the parts of ``base.html`` around every page, drawn
once per process for each way they can look and then copied.

The head's links, the header's navigation and the footer read the same for everyone who shares:

- the language being read, and the lessor's words (settings.LESSOR, in that language);
- the kind of reader: signed out, operations, dealer staff, inspector or lessee;
- for a lessee, the unread counts in the header (capped at 100: "99+" from there on).

``drawn()`` draws a chrome template from exactly those, with nothing of the request in its context
(so nothing else can slip into the kept HTML), and keeps the result in a small per-process LRU.
The four things of one request the parts hold are put in after as placeholders are replaced
(``fill``): the CSRF token of the forms (sign out, the language switch: a masked token of the
browser's own secret, as ``{% csrf_token %}`` writes), the path the language switch comes back to
(escaped), the CSP nonce of the script tag, and what the footer's "Send us a message" asks about
(``{% ask_query %}``, the same tag ``messaging/_ask.html`` uses).

With ``DEBUG`` on, nothing is kept (``portal.cache.drawn_once``), so a template edited while
``runserver`` runs shows at once.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join

from portal.cache import drawn_once
from portal.context_processors import unread_counts_of
from portal.language import lessor_words

register = template.Library()

# Placeholders: characters no template, URL or translation of ours writes, and none that
# escaping changes.
CSRF = "CHROME-CSRF-TOKEN-7f3a"
NEXT = "CHROME-NEXT-PATH-7f3a"
NONCE = "CHROME-CSP-NONCE-7f3a"
ASK = "CHROME-ASK-QUERY-7f3a"
PERSONA_SESSION_KEY = "persona"  # the session key sign-in sets (portal.adapter) and the header reads
COUNT_CAP = 100  # the header shows "99+" beyond 99: every count above draws the same


def reader_kind(request, user) -> str:
    """Which header a reader sees (base.html drew these branches before the chrome was kept)."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    if user.is_staff:
        return "staff"
    persona = request.session.get(PERSONA_SESSION_KEY) if request is not None else None
    return persona if persona in ("dealer", "inspector") else "lessee"


@drawn_once(maxsize=512)
def drawn(name: str, language: str, kind: str, counts: tuple[int, int], lessor: tuple, prefix: str) -> str:
    """The chrome template ``name`` drawn from its inputs alone (``prefix``: the URLs' script prefix)."""
    notices, messages = counts
    with translation.override(language):
        return (
            get_template(name)
            .render(
                {
                    "LANGUAGE_CODE": language,
                    "LESSOR": dict(lessor),
                    "kind": kind,
                    "signed_in": kind != "anonymous",
                    "unread_notifications": notices,
                    "unread_messages": messages,
                    "csrf_token": CSRF,
                    "next_path": NEXT,
                    "csp_nonce": NONCE,
                    "ask_query": ASK,
                }
            )
            .strip("\n")
        )  # the newlines around the template file's text: base.html has its own


def fill(html: str, context: template.Context) -> str:
    """Kept HTML with this request's parts put in for the placeholders: one CSRF token made from the
    browser's secret (as ``{% csrf_token %}`` writes it), the path (escaped), the CSP nonce and the
    message link's question."""
    request = context.get("request")
    if CSRF in html:
        token = ""
        if request is not None:
            token = request.__dict__.get("_kept_csrf_token") or get_token(request)
            request._kept_csrf_token = token  # one masked token serves the page's forms
        html = html.replace(CSRF, token)
    if NEXT in html:
        html = html.replace(NEXT, escape(request.get_full_path()) if request is not None else "/")
    if NONCE in html:
        html = html.replace(NONCE, escape(str(context.get("csp_nonce", ""))))  # a LazyNonce is falsy until read
    if ASK in html:
        html = html.replace(ASK, ask_query(context))
    return html  # goes in as is: escaped by the template when drawn, the request's parts above


@register.simple_tag(takes_context=True)
def ask_query(context: template.Context) -> str:
    """``{% ask_query %}``: what a "Send us a message" link asks about, from the ``lease`` and
    ``topic`` in the context (``?lease=…&topic=…``, or nothing)."""
    pairs = []
    if context.get("lease"):
        try:
            pairs.append(("lease", template.Variable("lease.public_id").resolve(context)))
        except template.VariableDoesNotExist:
            pairs.append(("lease", ""))
    if topic := context.get("topic"):
        pairs.append(("topic", topic))
    return format_html("?{}", format_html_join("&", "{}={}", pairs)) if pairs else ""


def _reader(context: template.Context) -> tuple:
    """What the chrome is drawn from besides its template, worked out once a request."""
    request = context.get("request")
    language = translation.get_language() or settings.LANGUAGE_CODE
    memo = request.__dict__.get("_chrome_reader") if request is not None else None
    if memo is not None and memo[0] == language:
        return memo
    kind = reader_kind(request, context.get("user"))
    counts = (0, 0)
    if kind == "lessee":
        unread = unread_counts_of(request, context.get("user"))
        counts = (min(unread["all"], COUNT_CAP), min(unread["messages"], COUNT_CAP))
    reader = (language, kind, counts, tuple(lessor_words().items()), get_script_prefix())
    if request is not None:
        request._chrome_reader = reader
    return reader


class ChromeNode(template.Node):
    def __init__(self, name: str) -> None:
        self.name = name

    def render(self, context: template.Context) -> str:
        parts = (self.name, *_reader(context))
        return fill(drawn(*parts), context)


@register.tag("chrome")
def chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('{% chrome "template name" %}')
    return ChromeNode(bits[1].strip("\"'"))
