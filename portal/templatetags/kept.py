"""``{% kept_fragment %}…{% end_kept_fragment %}``: the HTML drawn from a page's kept data, kept too.

A view that serves its data with ``portal.cache.page_data_keyed`` passes the data's key in the
context as ``page_key`` (with anything else the fragment shows that is not in the data, such as a
time-of-day flag). While that key is unchanged the fragment's HTML is the same, so it is kept in
the cache beside the data and drawing the template is skipped. The key changes whenever any input
of the data changes (a new version), and the kept HTML also depends on:

- the template and the reader's language;
- the CSRF secret of the browser (forms in the fragment carry a token made from it): a browser
  without one yet (its first page) draws the fragment and keeps nothing;
- no per-request nonce: a fragment holding the page's CSP nonce is never kept.

Without ``page_key`` (data that could not be kept, a form showing errors) the fragment is drawn as usual.
"""

from __future__ import annotations

import hashlib

from django import template
from django.core.cache import cache
from django.utils import translation

from portal.cache import PAGE_DATA_SECONDS

register = template.Library()


class KeptFragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context: template.Context) -> str:
        page_key = context.get("page_key")
        request = context.get("request")
        secret = request.META.get("CSRF_COOKIE", "") if request is not None else ""
        if not page_key or not secret:
            return self.nodelist.render(context)
        origin = context.template.origin.name if context.template is not None else ""
        text = "|".join([page_key, self.name, origin, translation.get_language() or "", secret])
        key = "pf:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        kept = cache.get(key)
        if kept is not None:
            return kept  # a node's output goes in as drawn: it was escaped when it was drawn
        html = self.nodelist.render(context)
        nonce = str(context.get("csp_nonce", "") or "")
        if not (nonce and nonce in html):
            cache.set(key, str(html), PAGE_DATA_SECONDS)
        return html


@register.tag("kept_fragment")
def kept_fragment(parser: template.base.Parser, token: template.base.Token) -> KeptFragmentNode:
    bits = token.split_contents()
    name = bits[1].strip("\"'") if len(bits) > 1 else "main"
    nodelist = parser.parse(("end_kept_fragment",))
    parser.delete_first_token()
    return KeptFragmentNode(nodelist, name)
