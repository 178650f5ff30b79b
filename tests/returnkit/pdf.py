"""Reading kits back: text through pypdf, and the size of drawn rectangles from the content stream."""

from __future__ import annotations

import io
import math
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream

MM_PER_PT = 25.4 / 72


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    """All pages' text with runs of whitespace as one space (lines break anywhere in a PDF)."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader(pdf).pages))


def _multiply(m: list[float], n: list[float]) -> list[float]:
    """m × n for PDF matrices [a b c d e f] (row vectors: a point is transformed by m, then n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u]


def rectangles_pt(page) -> list[tuple[float, float]]:
    """Width and height in points of every ``re`` rectangle on the page, through the CTM in force."""
    ctm, saved, found = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator == b"re":
            _, _, w, h = (float(v) for v in operands)
            a, b, c, d = ctm[:4]
            found.append((abs(w) * math.hypot(a, b), abs(h) * math.hypot(c, d)))
    return found


def all_rectangles_pt(pdf: bytes) -> list[tuple[float, float]]:
    return [size for page in reader(pdf).pages for size in rectangles_pt(page)]


def has_rectangle(rectangles: list[tuple[float, float]], width_pt: float, height_pt: float) -> bool:
    """A drawn rectangle of this size, to a hundredth of a point (0.0035 mm)."""
    return any(abs(w - width_pt) <= 0.01 and abs(h - height_pt) <= 0.01 for w, h in rectangles)
