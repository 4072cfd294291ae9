"""Loading the user's images: size limits, clear errors, grey conversion, bundled samples.

Colour images are shown as loaded and converted to grey in [0, 1] for the network with
``skimage.color.rgb2gray`` (RGBA is first composited on white with ``rgba2rgb``); grey images
with ``skimage.util.img_as_float``. The pixel count is read from the file header before
decoding, so a huge image is refused without being decompressed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_PIXELS = 50_000_000
#: The feature maps in the window are computed on a copy at most this many pixels on a side.
MAX_WORKING_SIDE = 1024
EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
SAMPLES = ("camera", "astronaut", "coffee", "chelsea", "coins", "moon", "text", "checkerboard",
           "page", "clock", "brick", "grass", "rocket", "horse")


class ImageLoadError(ValueError):
    """An image that cannot be used, with a one-line reason for the user."""


@dataclass(frozen=True)
class LoadedImage:
    """``pixels`` as decoded (grey (H, W) or colour (H, W, 3|4)); ``grey`` float in [0, 1]."""

    name: str
    pixels: np.ndarray
    grey: np.ndarray
    source: str = ""

    @property
    def size_text(self) -> str:
        h, w = self.grey.shape
        kind = "colour" if self.pixels.ndim == 3 else "grey"
        return f"{w}×{h} {kind}"


def to_grey(pixels: np.ndarray) -> np.ndarray:
    """Grey float in [0, 1]: ``rgb2gray`` for colour (RGBA composited on white), ``img_as_float`` otherwise."""
    from skimage.color import rgb2gray, rgba2rgb
    from skimage.util import img_as_float

    if pixels.ndim == 3:
        channels = pixels.shape[2]
        if channels == 4:
            return rgb2gray(rgba2rgb(pixels))
        if channels == 3:
            return rgb2gray(pixels)
        if channels in (1, 2):  # grey, grey + alpha
            return img_as_float(pixels[..., 0])
        raise ImageLoadError(f"images with {channels} channels are not supported")
    if pixels.ndim != 2:
        raise ImageLoadError(f"not a 2-D image (array of shape {pixels.shape})")
    return np.asarray(img_as_float(pixels), dtype=float)


def load_image(path: str | Path, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Decode a PNG, JPEG, BMP or TIFF file.

    Raises
    ------
    ImageLoadError
        For a missing, unreadable, corrupt, non-image or too large file (over ``max_pixels``).
    """
    path = Path(path)
    if not path.exists():
        raise ImageLoadError(f"{path}: no such file")
    if path.is_dir():
        raise ImageLoadError(f"{path} is a folder, not an image")
    return _decode(path, path.name, str(path), max_pixels)


def load_image_bytes(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Decode an image held in memory (a dropped file's contents); same checks as :func:`load_image`."""
    import io

    return _decode(io.BytesIO(data), name, name, max_pixels)


def _decode(source, name: str, where: str, max_pixels: int) -> LoadedImage:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PIL warns about odd but readable files; we only need the pixels
            with Image.open(source) as image:
                width, height = image.size
                _check_size(name, width, height, max_pixels)
                image.load()
                pixels = _to_array(image)
    except ImageLoadError:
        raise
    except Image.DecompressionBombError:
        raise ImageLoadError(f"{name} is over {max_pixels / 1e6:.0f} megapixels: too large to open") from None
    except UnidentifiedImageError:
        raise ImageLoadError(f"{name} is not an image Descida can read (PNG, JPEG, BMP or TIFF)") from None
    except (OSError, ValueError, SyntaxError, MemoryError) as error:
        raise ImageLoadError(f"{name} could not be decoded (corrupt or truncated?): {error}") from None
    except Exception as error:  # decoders of damaged files raise anything (struct.error, IndexError, …)
        raise ImageLoadError(f"{name} could not be decoded (corrupt: {type(error).__name__})") from None
    return _finish(name, pixels, where)


def _check_size(name: str, width: int, height: int, max_pixels: int) -> None:
    if width < 1 or height < 1:
        raise ImageLoadError(f"{name} has no pixels ({width}×{height})")
    if width * height > max_pixels:
        raise ImageLoadError(f"{name} is {width}×{height} = {width * height / 1e6:.1f} megapixels; "
                             f"Descida opens images up to {max_pixels / 1e6:.0f} megapixels")


def _to_array(image) -> np.ndarray:
    """The pixels as imageio would return them: palettes applied, bilevel as bool, CMYK as RGB."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        image = image.convert("RGB")
    elif mode == "PA":
        image = image.convert("RGBA")
    return np.asarray(image)


def _finish(name: str, pixels: np.ndarray, source: str) -> LoadedImage:
    grey = to_grey(pixels)
    if not np.all(np.isfinite(grey)):
        raise ImageLoadError(f"{name} holds NaN or infinite values")
    return LoadedImage(name, pixels, grey, source)


def load_sample(name: str) -> LoadedImage:
    """One of scikit-image's bundled images (``skimage.data``)."""
    import skimage.data

    if name not in SAMPLES:
        raise ImageLoadError(f"unknown sample {name!r}; choose one of {', '.join(SAMPLES)}")
    pixels = getattr(skimage.data, name)()
    return _finish(name, pixels, f"skimage.data.{name}")


def working_copy(grey: np.ndarray, max_side: int = MAX_WORKING_SIDE) -> np.ndarray:
    """The image the window computes maps on: ``grey`` itself, or shrunk (anti-aliased) to ``max_side``."""
    h, w = grey.shape
    if max(h, w) <= max_side:
        return grey
    from skimage.transform import resize

    scale = max_side / max(h, w)
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    return np.clip(resize(grey, shape, anti_aliasing=True, preserve_range=True), 0.0, 1.0)


def to_digit_input(grey: np.ndarray, size: int = 8) -> np.ndarray:
    """A sketch (ink = 1 on 0) downsampled by block averages to ``size``×``size``, scaled like the digits data.

    The sketch's bounding box is centred in a square with a margin first, as the digits were.
    """
    from skimage.transform import resize

    grey = np.asarray(grey, dtype=float)
    ink = np.argwhere(grey > 0.05)
    if len(ink) == 0:
        return np.zeros((size, size))
    (r0, c0), (r1, c1) = ink.min(axis=0), ink.max(axis=0) + 1
    crop = grey[r0:r1, c0:c1]
    side = int(max(crop.shape) * 1.25) + 1
    square = np.zeros((side, side))
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top : top + crop.shape[0], left : left + crop.shape[1]] = crop
    small = resize(square, (size, size), anti_aliasing=True, preserve_range=True)
    peak = small.max()
    return np.clip(small / peak, 0, 1) if peak > 0 else small
