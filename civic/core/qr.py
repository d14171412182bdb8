"""QR codes, made here as inline SVG (segno), never fetched from an outside service. The SVG carries
no style attribute (the CSP forbids inline style): size comes from the `civic-qr` class."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, label: str) -> Markup:
    """An SVG QR code for `url`; `label` names it for screen readers (say where it leads)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, omitsize=True, svgclass="civic-qr", title=label)
    # segno escapes the title and writes only its own path data, so the markup is safe to mark as such.
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704
