"""The kit's PDF: drawn from the stored KitSnapshot (its payload and the day it was prepared) by portal.pdf.

Most of a kit reads the same for every lessee of the lessor: paying at the end, the security
deposit, the excess wear guide with the Wear Square and the ruler. Those pages
(``SHARED_TEMPLATE``) are drawn from the payload's ``version``, ``language`` and ``lessor`` alone
(``shared_part``), laid out once per process for each such part and kept (``_shared_pages``, a small
LRU), and put after the lessee's own pages (``TEMPLATE``). WeasyPrint writes the joined pages as one
document, so the PDF is tagged (one structure tree) as if laid out whole.

Page numbers run across the join: the lessee's pages are laid out knowing the total, the shared
pages knowing where they start (a rule for their first page) and the total. The lessee's pages are
laid out for the count kits of the same shape (lessees, equipment) last came to, ``PERSONAL_PAGES``
at first, and again in the rare case they run to another number.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from contextlib import contextmanager
from decimal import Decimal

from django.utils import translation

from portal.cache import InProcessLRU
from portal.pdf import Rendered, StoredPdf, layout, write
from returnkit.kit import fingerprint

# ISO/IEC 7810 ID-1, a credit card's size: the Wear Square only works printed at this true size.
# SVG user units are millimetres in the kit's drawings.
CARD_W, CARD_H = Decimal("85.60"), Decimal("53.98")
INCH = Decimal("25.4")
TREAD = INCH / 8  # 1/8 in., the least tread a tire may have
RULER_X = Decimal("1")
TEMPLATE = "pdf/return_kit.html"  # the lessee's own pages: cover, options, checklist, statement…
SHARED_TEMPLATE = "pdf/return_kit_shared.html"  # the pages every lessee of the lessor reads alike
PERSONAL_PAGES = 4  # what the lessee's own pages usually come to
SHARED_PAGES = 1  # and the shared pages
SHARED_CACHE_SIZE = 8  # laid-out shared parts kept per process (languages × lessors × offsets)
SHARED_KEYS = ("version", "language", "lessor")  # all the shared pages may read of a payload


def _ruler_ticks() -> list[dict]:
    """Ticks every 1/8 in.: tall at the ends, middling at 1/2 in., short between."""
    heights = {0: "4", 4: "3", 8: "4"}
    return [{"x": RULER_X + INCH * i / 8 - Decimal("0.125"), "h": heights.get(i, "2")} for i in range(9)]


def kit_context(payload: dict, *, prepared_on: dt.date) -> dict:
    """The lessee's own pages' context."""
    return {"kit": payload, "prepared_on": prepared_on}


def shared_part(payload: dict) -> dict:
    """What the shared pages are drawn from: the kit's version, its language and the lessor's
    branding, and nothing of one lessee."""
    return {key: payload[key] for key in SHARED_KEYS}


def shared_key(payload: dict) -> str:
    """The shared pages' fingerprint: a new language, lessor wording or KIT_VERSION, a new layout."""
    return fingerprint(shared_part(payload))


def shared_context(payload: dict) -> dict:
    return {
        "kit": shared_part(payload),
        "card_w": CARD_W,
        "card_h": CARD_H,
        "inch": INCH,
        "ruler_x": RULER_X,
        "ruler_ticks": _ruler_ticks(),
        "tread": TREAD,
        "tread_y": CARD_H - TREAD,
    }


_shared = InProcessLRU(SHARED_CACHE_SIZE)
_shared_lock = threading.Lock()  # kept pages are drawn by one thread at a time (see _draw_kit)
shared_layouts = 0  # how many times this process laid the shared pages out (tests and the bench read it)


def _shared_pages(payload: dict, *, first_page: int, total: int) -> list:
    """The shared pages laid out for a kit whose own pages come first: numbered from ``first_page``
    of ``total``. Kept per (shared fingerprint, language in force, numbering)."""
    global shared_layouts
    key = (shared_key(payload), translation.get_language(), first_page, total)
    document = _shared.get(key)
    if document is not None:
        return document.pages
    # counter-increment on the first page replaces its usual increment of one.
    css = f"@page :first {{ counter-increment: page {first_page}; }}"
    document = layout(SHARED_TEMPLATE, {**shared_context(payload), "page_total": total}, css=css)
    shared_layouts += 1
    _shared.set(key, document)
    return document.pages


_shared_counts: dict[tuple, int] = {}  # how many pages each shared part takes, once laid out
_personal_counts: dict[tuple, int] = {}  # how many pages a lessee's part took, by its shape


def clear_shared() -> None:
    """Forget the laid-out shared pages (the bench times a kit laid out whole this way)."""
    _shared.clear()
    _shared_counts.clear()
    _personal_counts.clear()


@contextmanager
def _collector_paused():
    """Python's cycle collector held off while a kit is laid out and written.

    A layout makes hundreds of thousands of objects, which set off full collections, and each of
    those walks every object the process holds, the kept shared pages included: about a third of a
    kit's time. The garbage a kit leaves is collected after it, as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def draw_kit(template: str, context: dict) -> Rendered:
    """The lessee's pages (``template`` with ``context``), then the shared pages, as one tagged PDF.
    In the active language (StoredPdf.render and render_kit set the payload's)."""
    with _collector_paused():
        return _draw_kit(template, context)


def _draw_kit(template: str, context: dict) -> Rendered:
    payload = context["kit"]
    counted = (shared_key(payload), translation.get_language())
    # The lessee's page count, as last seen for kits like this one (lessees and equipment drive it).
    like = (counted, len(payload["lessees"]), len(payload["equipment"]))
    personal_pages = _personal_counts.get(like, PERSONAL_PAGES)
    shared_pages = _shared_counts.get(counted, SHARED_PAGES)

    def lay_out() -> tuple:
        total = personal_pages + shared_pages
        personal = layout(template, {**context, "page_total": total})
        if len(personal.pages) != personal_pages:  # numbered for another count
            return personal, None
        return personal, _shared_pages(payload, first_page=personal_pages + 1, total=total)

    for _ in range(3):  # the guesses right; else once more for the lessee's count, once for the shared
        personal, pages = lay_out()
        if pages is None:
            personal_pages = _personal_counts[like] = len(personal.pages)
        elif len(pages) != shared_pages:
            shared_pages = _shared_counts[counted] = len(pages)
        else:
            _personal_counts[like], _shared_counts[counted] = personal_pages, shared_pages
            break
    else:
        raise RuntimeError("the kit's page count did not settle")
    # Kept pages are drawn by one thread at a time (WeasyPrint's text objects are not shared safely);
    # a worker process draws one kit at a time anyway.
    with _shared_lock:
        return write(personal, personal.pages + pages)


def render_kit(payload: dict, *, prepared_on: dt.date) -> Rendered:
    """A kit's PDF straight from a payload, without a stored record (the bench times this)."""
    with translation.override(payload.get("language") or "en"):
        return draw_kit(TEMPLATE, kit_context(payload, prepared_on=prepared_on))


class _Reader:
    """The kit's reader for StoredPdf: the language the payload was built in."""

    def __init__(self, kit) -> None:
        self.language = kit.payload.get("language", "")


KIT_PDF = StoredPdf(
    name="kit",
    model="returnkit.KitSnapshot",
    field="pdf",
    template=TEMPLATE,
    context=lambda kit: kit_context(kit.payload, prepared_on=kit.prepared_on),
    stored_name=lambda kit: f"{kit.fingerprint[:20]}.pdf",
    filename=lambda kit: kit.filename,
    columns=lambda rendered: {"pages": rendered.pages},
    reader=_Reader,
    draw=draw_kit,
)
