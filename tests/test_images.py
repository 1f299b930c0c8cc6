"""render/images.py: the 256-colour copies keep every flat area's colour exactly (issue 23: a cheaper
quantizer than median cut, which merged small legend swatches)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from landgis.render import images

SWATCHES = [(0, 109, 44), (49, 163, 84), (116, 196, 118), (186, 228, 179), (237, 248, 233)]


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _busy_map() -> np.ndarray:
    """White, five 6×6 legend swatches, and 400 colours of single scattered pixels, each more frequent
    than a swatch (as the anti-aliased edges of a hatched map are)."""
    rng = np.random.default_rng(23)
    rgb = np.full((240, 400, 3), 255, dtype=np.uint8)
    noise = rng.integers(0, 256, size=(400, 3), dtype=np.uint8)
    ys, xs = np.meshgrid(np.arange(0, 200, 2), np.arange(0, 400, 2), indexing="ij")  # isolated pixels
    cells = np.stack([ys.ravel(), xs.ravel()], axis=1)[:400 * 50]
    for i, (y, x) in enumerate(cells):
        rgb[y, x] = noise[i % 400]
    for i, colour in enumerate(SWATCHES):
        rgb[210:216, 20 + 10 * i:26 + 10 * i] = colour
    return rgb


def test_small_flat_swatches_keep_their_colours_among_many_frequent_edge_colours():
    rgb = _busy_map()
    out = _rgb(images.palette_from_raster(rgb, 400))
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 256  # it had to choose
    for i, colour in enumerate(SWATCHES):
        assert (out[210:216, 20 + 10 * i:26 + 10 * i] == colour).all(), colour
    white = (rgb == 255).all(axis=2)
    assert (out[white] == 255).all()


def test_every_other_colour_becomes_the_nearest_kept_colour():
    rgb = _busy_map()
    data = images.palette_from_raster(rgb, 400)
    kept = np.array(Image.open(io.BytesIO(data)).getpalette()[:768]).reshape(-1, 3)
    out = _rgb(data)
    for y, x in ((0, 0), (0, 2), (2, 6), (40, 100), (198, 398)):
        d = ((kept - rgb[y, x].astype(int)) ** 2).sum(axis=1)
        assert ((out[y, x].astype(int) - rgb[y, x]) ** 2).sum() == d.min(), (y, x)


def test_an_image_of_few_colours_is_copied_exactly_and_the_same_bytes_each_time():
    rgb = np.zeros((50, 60, 4), dtype=np.uint8)
    rgb[..., 3] = 255
    rgb[:, :, 0] = np.arange(60, dtype=np.uint8)[None, :] * 4
    rgb[:, :, 1] = np.arange(50, dtype=np.uint8)[:, None] // 10 * 40
    rgb[:, 30:, :3] = (12, 34, 56)  # 30 × 5 + 1 = 151 colours
    data = images.palette_from_raster(rgb, 60, 300)
    assert (_rgb(data) == rgb[..., :3]).all()
    assert images.palette_from_raster(rgb.copy(), 60, 300) == data
    with Image.open(io.BytesIO(data)) as img:
        assert img.mode == "P" and round(img.info["dpi"][0]) == 300


def test_an_opaque_raster_is_written_as_rgb_without_a_copy_and_the_same_png_as_a_copy():
    # the 300 dpi sheet's RGB PNG from the raster itself: a 35 MB copy less in each worker (issue 23)
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(90, 130, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    view = images.opaque_rgb(rgba)
    assert view.mode == "RGB" and view.size == (130, 90)
    assert (np.asarray(view) == rgba[..., :3]).all()
    rgba[5, 7, :3] = (1, 2, 3)  # the image is the raster's memory, not a copy of it
    assert view.getpixel((7, 5)) == (1, 2, 3)
    ours, copied = io.BytesIO(), io.BytesIO()
    view.save(ours, format="png", compress_level=3)
    Image.fromarray(rgba).convert("RGB").save(copied, format="png", compress_level=3)
    assert ours.getvalue() == copied.getvalue()


def test_a_shrunk_copy_is_its_own_image_and_its_palette_png_is_the_one_from_the_raster():
    rgba = np.full((400, 800, 4), 255, dtype=np.uint8)
    rgba[100:300, 200:600, :3] = (49, 163, 84)
    small = images.shrink(rgba, 200)
    same = images.shrink(rgba, 1000)  # narrower than the width: kept at its size, still a copy
    rgba[...] = 0  # the raster is gone (freed, in a worker): the copies are not
    assert small.size == (200, 100) and same.size == (800, 400)
    assert np.asarray(small.convert("RGB"))[50, 100].tolist() == [49, 163, 84]
    assert np.asarray(same.convert("RGB"))[0, 0].tolist() == [255, 255, 255]
    rgba[...] = 255
    rgba[100:300, 200:600, :3] = (49, 163, 84)
    assert images.palette_from_image(images.shrink(rgba, 200), 300) == images.palette_from_raster(rgba, 200, 300)
