"""Image loading: formats, grey conversion as scikit-image does it, and clear refusals."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PIL import Image
from skimage.color import rgb2gray
from skimage.util import img_as_float

from models.images import (MAX_PIXELS, SAMPLES, ImageLoadError, load_image, load_sample, to_digit_input,
                           working_copy)


@pytest.fixture(scope="module")
def colour():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(23, 31, 3), dtype=np.uint8)


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tif"])
def test_lossless_colour_files_become_rgb2gray(tmp_path, colour, suffix):
    path = tmp_path / f"img{suffix}"
    Image.fromarray(colour).save(path)
    loaded = load_image(path)
    assert np.array_equal(loaded.pixels, colour)
    assert_allclose(loaded.grey, rgb2gray(colour), rtol=1e-12)
    assert loaded.size_text == "31×23 colour"


def test_jpeg_and_grey_and_16_bit_files(tmp_path, colour):
    Image.fromarray(colour).save(tmp_path / "c.jpg", quality=90)
    jpeg = load_image(tmp_path / "c.jpg")
    assert jpeg.pixels.shape == colour.shape and np.abs(jpeg.grey - rgb2gray(colour)).mean() < 0.05
    grey = colour[..., 0]
    Image.fromarray(grey).save(tmp_path / "g.png")
    assert_allclose(load_image(tmp_path / "g.png").grey, img_as_float(grey))
    deep = (np.arange(12 * 10).reshape(12, 10) * 500).astype(np.uint16)
    Image.fromarray(deep).save(tmp_path / "d.png")
    loaded = load_image(tmp_path / "d.png")
    assert_allclose(loaded.grey, img_as_float(deep)) and loaded.grey.max() <= 1


def test_rgba_is_composited_on_white(tmp_path):
    rgba = np.zeros((4, 5, 4), dtype=np.uint8)
    rgba[..., 3] = 0  # fully transparent black → white
    rgba[0, 0] = (0, 0, 0, 255)  # one opaque black pixel
    Image.fromarray(rgba).save(tmp_path / "a.png")
    grey = load_image(tmp_path / "a.png").grey
    assert grey[0, 0] == 0 and np.allclose(grey.ravel()[1:], 1)


def test_corrupt_non_image_and_missing_files_are_refused_with_one_line(tmp_path, colour):
    (tmp_path / "text.png").write_text("hello, I am not a picture")
    Image.fromarray(colour).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "truncated.png").write_bytes(data[: len(data) // 2])
    (tmp_path / "empty.jpg").write_bytes(b"")
    cases = {"text.png": "not an image", "truncated.png": "could not be decoded", "empty.jpg": "not an image",
             "missing.png": "no such file"}
    for name, message in cases.items():
        with pytest.raises(ImageLoadError, match=message) as info:
            load_image(tmp_path / name)
        assert "\n" not in str(info.value)
    with pytest.raises(ImageLoadError, match="is a folder"):
        load_image(tmp_path)


def _png_header_only(path, width: int, height: int) -> None:
    """A PNG whose header claims width×height (the pixel data is never read)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 10)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_images_over_50_megapixels_are_refused_before_decoding(tmp_path):
    _png_header_only(tmp_path / "huge.png", 10_000, 6_000)  # 60 MP, a 60 MB decode if it were attempted
    with pytest.raises(ImageLoadError, match=r"10000×6000 = 60.0 megapixels; Descida opens images up to 50"):
        load_image(tmp_path / "huge.png")
    _png_header_only(tmp_path / "bomb.png", 20_000, 20_000)  # over Pillow's own bomb limit
    with pytest.raises(ImageLoadError, match="megapixels"):
        load_image(tmp_path / "bomb.png")
    assert MAX_PIXELS == 50_000_000


def test_every_sample_loads_as_grey_in_unit_range():
    for name in SAMPLES:
        image = load_sample(name)
        assert image.grey.ndim == 2 and 0 <= image.grey.min() and image.grey.max() <= 1, name
    with pytest.raises(ImageLoadError, match="unknown sample"):
        load_sample("lena")


def test_working_copy_shrinks_only_large_images():
    small = np.random.default_rng(1).random((100, 80))
    assert working_copy(small) is small
    big = np.ones((3000, 1500)) * 0.5
    shrunk = working_copy(big)
    assert shrunk.shape == (1024, 512) and np.allclose(shrunk, 0.5)


def test_sketch_is_centred_and_downsampled_like_the_digits():
    sketch = np.zeros((64, 64))
    sketch[5:30, 40:44] = 1.0  # a thin vertical stroke in the top-right corner: a "1"
    digit = to_digit_input(sketch)
    assert digit.shape == (8, 8) and digit.max() == pytest.approx(1)
    columns = digit.sum(axis=0)
    assert columns[3:5].sum() > 0.8 * columns.sum()  # centred horizontally
    assert np.array_equal(to_digit_input(np.zeros((16, 16))), np.zeros((8, 8)))
