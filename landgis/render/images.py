"""Small PNG copies of the 300 dpi maps, for documents that embed them (the HTML and Word reports).

The copies are made from a map's raster while it is drawn (:func:`palette_from_raster`, called by
:mod:`landgis.render.drawing`) and remembered under the PNG's content; :func:`palette_png` then
returns them without decoding the file again.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["palette_png", "palette_from_raster", "remember", "stats"]

# (sha256 of the PNG file, width, dpi) -> palette PNG bytes. Keyed by content, so a stale entry is
# never returned for a changed file; bounded in bytes (an atlas run makes about 7 MB).
_MADE: dict[tuple[str, int, int | None], bytes] = {}
_MAX_BYTES = 32 * 2**20
_STATS = {"remembered": 0, "decoded": 0}


def _digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def palette_from_raster(rgba: np.ndarray, width: int, dpi: int | None = None) -> bytes:
    """A raster (H×W×3 or H×W×4, uint8) at most ``width`` pixels wide, as a 256-colour PNG.

    A 256-colour palette is invisible on a choropleth and makes the embedding document a third of
    the size. The result depends only on the pixels, so it is the same bytes on every run.

    Examples
    --------
    >>> data = palette_from_raster(np.full((20, 40, 4), 255, dtype=np.uint8), 10)
    >>> Image.open(io.BytesIO(data)).size, Image.open(io.BytesIO(data)).mode
    ((10, 5), 'P')
    """
    img = Image.fromarray(rgba, "RGBA").convert("RGB") if rgba.shape[-1] == 4 else Image.fromarray(rgba, "RGB")
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
    # Median cut keeps the large flat class fills (to within a few levels); the faster octree
    # moved most of them by up to 6 levels, so it is not used.
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    # zlib's default level: ``optimize`` made the copies 3 % smaller for six times the encoding time.
    img.save(buf, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buf.getvalue()


def remember(path: str | Path, width: int, dpi: int | None, data: bytes) -> None:
    """Keep ``data`` as the palette copy of the PNG at ``path`` (by its content, so a changed file misses)."""
    _MADE[(_digest(path), width, dpi)] = data
    while sum(map(len, _MADE.values())) > _MAX_BYTES:  # a long session: forget the oldest first
        del _MADE[next(iter(_MADE))]


def stats() -> dict[str, int]:
    """How many palette copies came from a remembered raster and how many decoded a file.

    Examples
    --------
    >>> sorted(stats())
    ['decoded', 'remembered']
    """
    return dict(_STATS)


def palette_png(path: str | Path, width: int, dpi: int | None = None) -> bytes:
    """The map PNG at most ``width`` pixels wide, as a 256-colour PNG.

    The copy made while the map was drawn, if there is one for this file; otherwise the file is
    decoded and the copy made by :func:`palette_from_raster` (the same bytes either way).

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
    made = _MADE.get((_digest(path), width, dpi))
    if made is not None:
        _STATS["remembered"] += 1
        return made
    _STATS["decoded"] += 1
    with Image.open(path) as img:
        rgba = np.asarray(img.convert("RGBA"))
    return palette_from_raster(rgba, width, dpi)
