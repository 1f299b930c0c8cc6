"""Small PNG copies of the 300 dpi maps, for the HTML report's previews (and the execution chart in
报告.docx; the Word report shows the maps' own PNGs).

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

__all__ = ["opaque_rgb", "palette_from_image", "palette_from_raster", "palette_png", "remember", "shrink", "stats"]

#: Pillow's ``reducing_gap`` for the copies (see :func:`palette_from_raster`).
REDUCING_GAP = 1.25

# (sha256 of the PNG file, width, dpi) -> palette PNG bytes. Keyed by content, so a stale entry is
# never returned for a changed file; bounded in bytes (an atlas run makes about 1.5 MB).
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
    return palette_from_image(shrink(rgba, width), dpi)


def shrink(rgba: np.ndarray, width: int) -> Image.Image:
    """A raster (H×W×3 or H×W×4, uint8) at most ``width`` pixels wide, as an image of its own (the raster
    can be freed once it is made).

    Examples
    --------
    >>> shrink(np.zeros((20, 40, 4), dtype=np.uint8), 10).size
    (10, 5)
    """
    img = _as_rgb_image(rgba)
    if img.width <= width:
        return img.copy()
    # A box reduction by a whole factor first, then Lanczos over the last 1.25× or more: half the CPU of
    # Lanczos over the whole 2.5× from 300 dpi to 1,400 px, a mean difference of 0.6 in 255 per channel.
    return img.resize((width, round(img.height * width / img.width)), Image.LANCZOS, reducing_gap=REDUCING_GAP)


def palette_from_image(img: Image.Image, dpi: int | None = None) -> bytes:
    """An RGB (or RGBX) image as a 256-colour PNG, recording ``dpi`` if given (see :func:`palette_from_raster`).

    Examples
    --------
    >>> Image.open(io.BytesIO(palette_from_image(Image.new("RGB", (4, 2), "white")))).mode
    'P'
    """
    img = _quantize(img)
    buf = io.BytesIO()
    # zlib's default level: ``optimize`` made the copies 3 % smaller for six times the encoding time.
    img.save(buf, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buf.getvalue()


def _as_rgb_image(pixels: np.ndarray) -> Image.Image:
    """An H×W×4 raster seen as RGBX (its alpha ignored, as a conversion to RGB would; no 35 MB copy of a
    300 dpi sheet), or an H×W×3 one as RGB."""
    if pixels.shape[-1] == 3:
        return Image.fromarray(pixels, "RGB")
    pixels = np.ascontiguousarray(pixels)
    return Image.frombuffer("RGBX", (pixels.shape[1], pixels.shape[0]), pixels, "raw", "RGBX", 0, 1)


def opaque_rgb(rgba: np.ndarray) -> Image.Image:
    """An opaque H×W×4 raster as a Pillow RGB image that shares its memory (alpha ignored).

    Pillow keeps an RGB image in four bytes a pixel, R, G, B and a pad byte, which is the layout of an RGBA
    raster, so the 300 dpi sheet can be written as an RGB PNG without its 35 MB copy (``convert("RGB")``).
    Pillow offers no public call for that view (``frombuffer`` maps such a buffer as RGBX, which it cannot
    write as PNG); this is the call ``frombuffer`` makes, with the RGB mode. Where it is refused, the
    raster is copied as before: the same pixels either way (tests/test_images.py).

    Examples
    --------
    >>> raster = np.full((2, 3, 4), 255, dtype=np.uint8); raster[0, 0, :3] = (1, 2, 3)
    >>> img = opaque_rgb(raster)
    >>> img.mode, img.size, img.getpixel((0, 0))
    ('RGB', (3, 2), (1, 2, 3))
    """
    size = (rgba.shape[1], rgba.shape[0])
    rgba = np.ascontiguousarray(rgba)
    try:
        view = Image.new("RGB", (0, 0))._new(Image.core.map_buffer(rgba, size, "raw", 0, ("RGB", 0, 1)))
    except (AttributeError, TypeError, ValueError):  # a Pillow without this call: copy
        return Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    view.readonly = 1
    return view


#: Colours compared with the kept ones at a time: a block of distances to 256 colours is 2 MB (it was 16 MB
#: with 8,192, which a worker held beside the raster).
_BLOCK = 1024
#: Marks a pixel that is not inside a flat area (no colour has this X byte).
_EDGE = 0xFF000000


def _colour_counts(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colours, counts) of a H×W array of ``0xXXBBGGRR`` values, counted by Pillow."""
    height, width = pixels.shape
    found = Image.frombuffer("RGBA", (width, height), np.ascontiguousarray(pixels, dtype="<u4"), "raw", "RGBA", 0, 1) \
        .getcolors(pixels.size)  # never None with this bound
    counts = np.fromiter((n for n, _ in found), dtype=np.int64, count=len(found))
    rgba = np.array([c for _, c in found], dtype=np.int64).reshape(-1, 4)
    return rgba[:, 0] | rgba[:, 1] << 8 | rgba[:, 2] << 16 | rgba[:, 3] << 24, counts


def _inner_counts(pixels: np.ndarray, key: np.ndarray) -> np.ndarray:
    """How many pixels of each colour ``key`` lie inside a flat area: their right and lower neighbours
    have their colour."""
    corner = pixels[:-1, :-1]
    if corner.size == 0:  # one row or one column: nothing is inside
        return np.zeros_like(key)
    inside = np.where((corner == pixels[:-1, 1:]) & (corner == pixels[1:, :-1]), corner, np.uint32(_EDGE))
    inner_key, inner_counts = _colour_counts(inside)
    order = np.argsort(inner_key)
    at = np.searchsorted(inner_key, key, sorter=order).clip(max=len(order) - 1)
    return np.where(inner_key[order[at]] == key, inner_counts[order[at]], 0)


def _quantize(img: Image.Image) -> Image.Image:
    """``img`` (RGB) in 256 colours: those of its flat areas first, every other colour the nearest of them.

    A map is mostly flat areas: class fills, legend swatches, white, lines and text. Their colours are
    kept exactly, ranked by how many pixels lie inside such an area (a pixel whose right and lower
    neighbours have its colour), then the most frequent of the rest; the anti-aliased pixels at their
    edges take the nearest kept colour (in RGB; on a tie the higher ranked). Pillow's median cut ranks by
    frequency alone: it merged small legend swatches into one colour (the seed's 各类用地一览 lost two of
    five classes) and cost more CPU; ``quantize(palette=…)`` looks colours up in a coarse
    cache, which shifted white.

    Examples
    --------
    >>> img = Image.new("RGB", (3, 1), (255, 255, 255)); img.putpixel((0, 0), (1, 2, 3))
    >>> out = _quantize(img)
    >>> out.mode, out.convert("RGB").getpixel((0, 0)), out.convert("RGB").getpixel((2, 0))
    ('P', (1, 2, 3), (255, 255, 255))
    """
    pixels = np.frombuffer(img.tobytes("raw", "RGBX"), dtype="<u4").reshape(img.height, img.width) & 0xFFFFFF
    key, counts = _colour_counts(pixels)
    inner = _inner_counts(pixels, key)
    kept = key[np.lexsort((key, -counts, -inner))[:256]]  # flat colours first, then frequent ones
    palette = np.stack([kept & 255, kept >> 8 & 255, kept >> 16 & 255], axis=1)
    rgb = np.stack([key & 255, key >> 8 & 255, key >> 16 & 255], axis=1).astype(np.float64)
    lut = np.zeros(1 << 24, dtype=np.uint8)
    weights = palette.astype(np.float64)
    for start in range(0, len(key), _BLOCK):
        # |c - p|^2 less |c|^2 (the same for every p of a row): exact in float64 for 8-bit values
        block = rgb[start:start + _BLOCK]
        lut[key[start:start + _BLOCK]] = ((weights * weights).sum(axis=1) - 2.0 * block @ weights.T).argmin(axis=1)
    out = Image.fromarray(lut[pixels], "P")
    out.putpalette(palette.astype(np.uint8).tobytes())
    return out


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
