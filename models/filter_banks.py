"""Hand-made filter banks: edges (Sobel, Laplacian), sharpen, blurs, a Gabor bank, a custom 3×3.

Every bank is a (K, h, w) array of filters applied by *cross-correlation* (no kernel flip), as
deep-learning frameworks define convolution: Sobel x responds positively where the image gets
brighter to the right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GABOR_SIZE = 13
GABOR_ORIENTATIONS = (0.0, 45.0, 90.0, 135.0)
#: (σ, wavelength λ) of the two Gabor scales, in pixels.
GABOR_SCALES = ((1.8, 5.0), (3.0, 9.0))

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
SOBEL_Y = SOBEL_X.T.copy()
LAPLACIAN_4 = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float)
LAPLACIAN_8 = np.array([[1, 1, 1], [1, -8, 1], [1, 1, 1]], dtype=float)
SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float)
BOX_BLUR = np.full((3, 3), 1 / 9)
GAUSSIAN_BLUR = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16
IDENTITY = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)


@dataclass(frozen=True)
class FilterBank:
    """Named filters of one size: ``filters`` is (K, h, w), ``names`` has K entries."""

    key: str
    title: str
    filters: np.ndarray
    names: tuple[str, ...]
    description: str = ""

    def __post_init__(self) -> None:
        if self.filters.ndim != 3 or len(self.names) != len(self.filters):
            raise ValueError(f"a bank needs (K, h, w) filters and K names, got {self.filters.shape}")

    @property
    def kernel_shape(self) -> tuple[int, int]:
        return int(self.filters.shape[1]), int(self.filters.shape[2])

    def __len__(self) -> int:
        return len(self.filters)


def gabor_kernel(size: int, sigma: float, theta_deg: float, wavelength: float, gamma: float = 0.6) -> np.ndarray:
    """The real (cosine) Gabor filter, zero-mean so flat regions give 0, scaled to Σ|g| = 2.

    g(x, y) = exp(−(x'² + γ² y'²) / 2σ²) · cos(2π x' / λ), with x' = x cos θ + y sin θ and
    y' = −x sin θ + y cos θ, x to the right and y downwards (image rows).
    """
    half = size // 2
    y, x = np.mgrid[-half : half + 1, -half : half + 1].astype(float)
    theta = np.deg2rad(theta_deg)
    xr = x * np.cos(theta) + y * np.sin(theta)
    yr = -x * np.sin(theta) + y * np.cos(theta)
    envelope = np.exp(-(xr**2 + (gamma * yr) ** 2) / (2 * sigma**2))
    g = envelope * np.cos(2 * np.pi * xr / wavelength)
    g -= envelope * (g.sum() / envelope.sum())  # zero mean without changing the envelope's shape
    return 2 * g / np.abs(g).sum()


def _gabor_bank() -> FilterBank:
    filters, names = [], []
    for scale, (sigma, wavelength) in enumerate(GABOR_SCALES, start=1):
        for theta in GABOR_ORIENTATIONS:
            filters.append(gabor_kernel(GABOR_SIZE, sigma, theta, wavelength))
            names.append(f"Gabor {theta:.0f}° s{scale}")
    return FilterBank("gabor", "Gabor (4 orientations × 2 scales)", np.stack(filters), tuple(names),
                      f"{GABOR_SIZE}×{GABOR_SIZE} cosine Gabor filters: stripes at one orientation and spacing")


def _small(key: str, title: str, pairs, description: str) -> FilterBank:
    return FilterBank(key, title, np.stack([k for _, k in pairs]), tuple(n for n, _ in pairs), description)


def _banks() -> dict[str, FilterBank]:
    banks = [
        _small("sobel", "Sobel x / y", [("Sobel x", SOBEL_X), ("Sobel y", SOBEL_Y)],
               "Brightness slopes: left→right (x) and top→bottom (y)"),
        _small("laplacian", "Laplacian", [("Laplacian 4-n", LAPLACIAN_4), ("Laplacian 8-n", LAPLACIAN_8)],
               "Second derivative: bright spots and edges on both sides"),
        _small("sharpen", "Sharpen", [("Sharpen", SHARPEN), ("Identity", IDENTITY)],
               "The pixel minus its neighbours' average, next to the unchanged image"),
        _small("blur", "Box / Gaussian blur", [("Box blur", BOX_BLUR), ("Gaussian blur", GAUSSIAN_BLUR)],
               "Local averages"),
        _small("classic", "All 3×3 hand-made", [("Sobel x", SOBEL_X), ("Sobel y", SOBEL_Y),
                                                 ("Laplacian", LAPLACIAN_4), ("Sharpen", SHARPEN),
                                                 ("Box blur", BOX_BLUR), ("Gaussian blur", GAUSSIAN_BLUR)],
               "Edges, second derivative, sharpening and blurs side by side"),
        _gabor_bank(),
    ]
    return {bank.key: bank for bank in banks}


BANKS: dict[str, FilterBank] = _banks()
#: Banks that are not fixed: the user's own 3×3 and the CNN's first layer.
DYNAMIC_BANKS = {"custom": "Custom 3×3 (edit the cells)", "learned": "Learned (the CNN's first layer)"}


def bank_titles() -> dict[str, str]:
    """Every bank's key and title, in menu order."""
    return {**{k: b.title for k, b in BANKS.items()}, **DYNAMIC_BANKS}


def get_bank(key: str) -> FilterBank:
    """A fixed bank by key; ``ValueError`` naming the choices for an unknown one."""
    try:
        return BANKS[key]
    except KeyError:
        raise ValueError(f"unknown filter bank {key!r}; choose one of {', '.join(BANKS)}") from None


def custom_bank(kernel) -> FilterBank:
    kernel = np.asarray(kernel, dtype=float)
    if kernel.shape != (3, 3) or not np.all(np.isfinite(kernel)):
        raise ValueError(f"the custom filter must be 3×3 finite numbers, got shape {kernel.shape}")
    return FilterBank("custom", DYNAMIC_BANKS["custom"], kernel[None].copy(), ("Custom",),
                      "Your own 3×3 filter")


def learned_bank(filters: np.ndarray) -> FilterBank:
    """The CNN's first-layer filters (K, 3, 3) as a bank."""
    filters = np.asarray(filters, dtype=float)
    return FilterBank("learned", DYNAMIC_BANKS["learned"], filters.copy(),
                      tuple(f"Filter {i + 1}" for i in range(len(filters))),
                      "Filters the CNN learned from the digits (first layer)")
