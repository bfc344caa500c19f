"""Badges: a flat SVG badge (label | message, as shields.io draws them) and the shields.io
endpoint JSON (``formats/badge.schema.json``) for each :class:`~st9x.matrix.badges.BadgeFigure`.

The SVG is drawn here rather than fetched, so a site works offline and from ``file://``; its
text widths are estimated from Verdana's advance widths at 11 px (what shields uses), close
enough that a label never overflows its box. Labels are data (a subject or corpus name may be
anything): every character that XML 1.0 cannot hold is replaced, the rest escaped, and the text
also goes into ``<title>`` and ``aria-label`` so a screen reader reads the badge.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

import orjson

from st9x.matrix.badges import BadgeFigure
from st9x.text import flatten

#: shields.io's named colours as hex (the SVG needs a value, the endpoint JSON takes the name)
HEX = {
    "brightgreen": "#4c1", "green": "#97ca00", "yellowgreen": "#a4a61d", "yellow": "#dfb317",
    "orange": "#fe7d37", "red": "#e05d44", "lightgrey": "#9f9f9f",
}
LABEL_COLOUR = "#555"
PADDING = 10  # horizontal: 5 px either side of a text
LONGEST = 120  # characters of a label or message drawn; the title keeps the whole text

# Verdana 11 px advance widths (px), by character class; anything else counts as a wide letter
_NARROW = set("ijlI!|.,:;'`()[]{}/\\ ") | {"\u00a0"}
_SEMI = set("frtJ-\"*")
_WIDE = set("mwMW@%")
_UPPER = set("ABCDEFGHKLNOPQRSTUVXYZ&#")
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` as one printable line that XML 1.0 can hold, shortened to :data:`LONGEST`."""
    line = _NOT_XML.sub("\ufffd", flatten(text))
    return line if len(line) <= LONGEST else line[:LONGEST - 1] + "…"


def text_width(text: str) -> float:
    """An estimate of ``text``'s width in px, set in Verdana 11 px."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.9
        elif char in _SEMI:
            width += 4.9
        elif char in _WIDE:
            width += 10.7
        elif char in _UPPER:
            width += 7.5
        elif char.isascii():
            width += 6.9  # lower-case letters and digits
        elif ord(char) >= 0x2E80:
            width += 11.0  # CJK and other full-width scripts
        else:
            width += 7.5
    return width


def svg(figure: BadgeFigure) -> bytes:
    """The flat badge of ``figure`` as an SVG document."""
    label, message = clean(figure.label), clean(figure.message)
    left = round(text_width(label) + PADDING)
    right = round(text_width(message) + PADDING)
    total = left + right
    fill = HEX[figure.colour]
    title = f"{label}: {message}"
    doc = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{fill}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{escape(label)}</text>'
        f'<text x="{left / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">'
        f"{escape(message)}</text>"
        f'<text x="{left + right / 2:.1f}" y="14">{escape(message)}</text>'
        "</g></svg>\n"
    )
    return doc.encode("utf-8")


def endpoint(figure: BadgeFigure) -> dict[str, object]:
    """The shields.io endpoint document of ``figure`` (``formats/badge.schema.json``)."""
    return {"schemaVersion": 1, "label": flatten(figure.label),
            "message": flatten(figure.message), "color": figure.colour}


def endpoint_json(figure: BadgeFigure) -> bytes:
    return orjson.dumps(endpoint(figure), option=orjson.OPT_INDENT_2) + b"\n"
