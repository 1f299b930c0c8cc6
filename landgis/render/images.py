"""Small PNG copies of the 300 dpi maps, for documents that embed them (the HTML and Word reports)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

__all__ = ["palette_png"]


def palette_png(path: str | Path, width: int, dpi: int | None = None) -> bytes:
    """The map PNG at most ``width`` pixels wide, as a 256-colour PNG.

    A 256-colour palette is invisible on a choropleth and makes the embedding document a third of the size.

    Parameters
    ----------
    path : str or Path
        The map PNG.
    width : int
        Largest width in pixels; a narrower image keeps its size.
    dpi : int, optional
        Resolution to record in the PNG (Word sizes pictures by it).

    Examples
    --------
    >>> data = palette_png("maps/example-industrial.png", 800)  # doctest: +SKIP
    """

    with Image.open(path) as img:
        img = img.convert("RGB")
        if img.width > width:
            img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True, **({"dpi": (dpi, dpi)} if dpi else {}))
    return buf.getvalue()
