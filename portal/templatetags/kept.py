"""``{% kept_fragment %}…{% end_kept_fragment %}``: the HTML drawn from a page's kept data, kept too.

A view that serves its data with ``portal.cache.page_data_keyed`` passes the data's key in the
context as ``page_key`` (with anything else the fragment shows that is not in the data, such as a
time-of-day flag). While that key is unchanged the fragment's HTML is the same, so it is kept in
this process beside the chrome (a small LRU: the key names the data's exact versions, so a kept
fragment is never stale, only unused) and drawing the template is skipped. The key changes
whenever any input of the data changes (a new version), and the kept HTML also depends on the
template and the reader's language.

The forms in a fragment carry a CSRF token: the fragment is drawn with a placeholder for it, and
each request puts in a token made from its own browser's secret (``chrome.fill``). A fragment
holding the page's CSP nonce (different on every response) is never kept.

Without ``page_key`` (data that could not be kept, a form showing errors) the fragment is drawn as usual.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation

from portal.cache import InProcessLRU
from portal.templatetags.chrome import CSRF, fill

register = template.Library()

_kept = InProcessLRU(256)  # per process: a lease page's fragment is some 20 kB


class KeptFragmentNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context: template.Context) -> str:
        page_key = context.get("page_key")
        if not page_key or settings.DEBUG:
            return self.nodelist.render(context)
        origin = context.template.origin.name if context.template is not None else ""
        key = (page_key, self.name, origin, translation.get_language() or "")
        html = _kept.get(key)
        if html is None:
            with context.push(csrf_token=CSRF):
                html = str(self.nodelist.render(context))
            nonce = str(context.get("csp_nonce", ""))
            if not (nonce and nonce in html):
                _kept.set(key, html)
        return fill(html, context)


@register.tag("kept_fragment")
def kept_fragment(parser: template.base.Parser, token: template.base.Token) -> KeptFragmentNode:
    bits = token.split_contents()
    name = bits[1].strip("\"'") if len(bits) > 1 else "main"
    nodelist = parser.parse(("end_kept_fragment",))
    parser.delete_first_token()
    return KeptFragmentNode(nodelist, name)
