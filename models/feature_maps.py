"""Feature maps of a filter bank over one grey image: convolution → ReLU → max-pool, compiled.

One compiled function per (image shape, bank shape, stride, dtype), since JAX needs static
shapes (and NUMBA runs these graphs 3–6× faster with them); functions are kept in a small LRU
cache, so going back to an image or a bank is free. Padding is applied to the image before the
graph (it is data preparation, not arithmetic). Which formulation runs is measured per back end
(``bench/bench_cnn.py``): shifted slices weighted by the taps under JAX (XLA fuses them into one
loop), im2col + matrix product under NUMBA and C.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from models.backend import Backend, as_numpy, compile_function
from models.conv_ops import correlate_bank, max_pool2d, out_size

STAGES = ("conv", "relu", "pool")
STAGE_TITLES = {"conv": "convolution", "relu": "ReLU", "pool": "max-pool 2×2"}
CACHE_SIZE = 8
#: Output elements per compiled call when :meth:`FeatureMapper.correlate_valid` works in bands.
BAND_ELEMENTS = 1 << 24
#: Refuse to build maps larger than this (bytes), rather than exhaust memory.
MAX_MAPS_BYTES = 2 << 30


def default_method(backend: Backend) -> str:
    return "shift" if backend.name == "jax" else "im2col"


@dataclass(frozen=True)
class FeatureMaps:
    """The three stages for a bank: (K, H', W') maps, ReLU'd maps and 2×2 max-pooled maps."""

    conv: np.ndarray
    relu: np.ndarray
    pool: np.ndarray
    stride: int = 1
    padding: int = 0

    def stage(self, name: str) -> np.ndarray:
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}; choose one of {', '.join(STAGES)}")
        return getattr(self, name)


class FeatureMapper:
    """Applies filter banks to images with compiled PyTensor graphs; thread-safe."""

    def __init__(self, backend: Backend, dtype: str = "float32", method: str | None = None) -> None:
        self.backend = backend
        self.dtype = dtype
        self.method = method or default_method(backend)
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, object] = OrderedDict()

    def _function(self, image_shape: tuple[int, int], bank_shape: tuple[int, int, int], stride: int, stages: bool):
        key = (image_shape, bank_shape, stride, stages)
        fn = self._cache.get(key)
        if fn is not None:
            self._cache.move_to_end(key)
            return fn
        import pytensor.tensor as pt

        image = pt.tensor("image", dtype=self.dtype, shape=image_shape)
        filters = pt.tensor("filters", dtype=self.dtype, shape=bank_shape)
        conv = correlate_bank(image, filters, stride, self.method)
        outputs = [conv]
        if stages:
            rectified = pt.maximum(conv, 0)
            outputs += [rectified, max_pool2d(rectified, 2)]
        fn = compile_function(self.backend, [image, filters], outputs, name="feature_maps")
        self._cache[key] = fn
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return fn

    def conv_function(self, image_shape: tuple[int, int], bank_shape: tuple[int, int, int], stride: int = 1):
        """The compiled 'valid' correlation alone, ``f(image, filters) → (K, H', W')`` NumPy (for benchmarks)."""
        with self._lock:
            fn = self._function(tuple(image_shape), tuple(bank_shape), stride, False)
        return lambda image, filters: as_numpy(fn(image, filters)[0])

    def is_compiled(self, image_shape, bank_shape, stride: int = 1, padding: int = 0) -> bool:
        padded = (image_shape[0] + 2 * padding, image_shape[1] + 2 * padding)
        return (padded, tuple(bank_shape), stride, True) in self._cache

    def compute(self, image: np.ndarray, filters: np.ndarray, stride: int = 1, padding: int = 0) -> FeatureMaps:
        """All three stages of the bank over ``image`` (zero-padded by ``padding`` on each side).

        Raises
        ------
        ValueError
            When the filters are larger than the (padded) image, or the arguments make no sense.
        """
        image, filters = self._validated(image, filters, stride, padding)
        with self._lock:
            fn = self._function(image.shape, filters.shape, stride, True)
            conv, relu, pool = (np.array(as_numpy(a)) for a in fn(image, filters))
        return FeatureMaps(conv, relu, pool, stride, padding)

    def correlate_valid(self, image: np.ndarray, filters: np.ndarray) -> np.ndarray:
        """The (K, H−h+1, W−w+1) 'valid' cross-correlations, computed in bands of rows to bound memory."""
        image, filters = self._validated(image, filters, 1, 0)
        k, kh, kw = filters.shape
        ho, wo = out_size(image.shape[0], kh), out_size(image.shape[1], kw)
        nbytes = k * ho * wo * np.dtype(self.dtype).itemsize
        if nbytes > MAX_MAPS_BYTES:
            raise ValueError(f"{k} maps of {ho}×{wo} would need {nbytes / 2**30:.1f} GiB; use a smaller image")
        band = max(1, min(ho, BAND_ELEMENTS // max(k * wo, 1)))
        out = np.empty((k, ho, wo), dtype=self.dtype)
        with self._lock:
            for start in range(0, ho, band):
                rows = min(band, ho - start)
                piece = np.zeros((band + kh - 1, image.shape[1]), dtype=self.dtype)
                piece[: rows + kh - 1] = image[start : start + rows + kh - 1]
                fn = self._function(piece.shape, filters.shape, 1, False)
                out[:, start : start + rows] = as_numpy(fn(piece, filters)[0])[:, :rows]
        return out

    def _validated(self, image, filters, stride: int, padding: int) -> tuple[np.ndarray, np.ndarray]:
        image = np.asarray(image, dtype=self.dtype)
        filters = np.asarray(filters, dtype=self.dtype)
        if image.ndim != 2:
            raise ValueError(f"the image must be grey (H, W), got shape {image.shape}")
        if filters.ndim == 2:
            filters = filters[None]
        if filters.ndim != 3 or 0 in filters.shape:
            raise ValueError(f"filters must be (K, h, w), got shape {filters.shape}")
        if stride < 1 or padding < 0:
            raise ValueError("the stride must be ≥ 1 and the padding ≥ 0")
        if padding:
            image = np.pad(image, padding)
        _, kh, kw = filters.shape
        if image.shape[0] < kh or image.shape[1] < kw:
            raise ValueError(f"the image ({image.shape[1]}×{image.shape[0]} with padding) is smaller than "
                             f"the {kw}×{kh} filter")
        return np.ascontiguousarray(image), np.ascontiguousarray(filters)
