"""Preset datasets: the tutorial's trout and salmon, and the classic 2D toy problems.

Every generator is deterministic for a seed, so two students pressing the same buttons see
the same picture. ``noise`` is a 0…1 knob whose meaning is scaled to each preset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DEFAULT_SEED = 0


@dataclass(frozen=True)
class Preset:
    """A named generator with the defaults the user sees before touching the controls."""

    name: str
    title: str
    generate: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    n_per_class: int = 50
    noise: float = 0.3
    description: str = ""


def _trout_salmon(n: int, noise: float, rng: np.random.Generator):
    # Length in cm, lightness on a 0–10 scale: deliberately different scales, so that turning
    # "standardize inputs" off shows why feature scaling matters for gradient descent.
    spread = 0.4 + 1.2 * noise
    trout = rng.normal([40.0, 6.2], [6.0 * spread, 1.1 * spread], size=(n, 2))
    salmon = rng.normal([56.0, 4.4], [7.0 * spread, 1.1 * spread], size=(n, 2))
    return np.vstack([trout, salmon]), np.repeat([0, 1], n)


def _xor(n: int, noise: float, rng: np.random.Generator):
    centers = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype=float)
    labels = np.array([0, 0, 1, 1])
    per = [n // 2 + (n % 2), n // 2]
    xy, y = [], []
    for k, c in enumerate(centers):
        m = per[k % 2]
        xy.append(rng.normal(c, 0.15 + 0.5 * noise, size=(m, 2)))
        y.append(np.full(m, labels[k]))
    return np.vstack(xy), np.concatenate(y)


def _circles(n: int, noise: float, rng: np.random.Generator):
    angles = rng.uniform(0, 2 * np.pi, size=2 * n)
    radii = np.r_[np.full(n, 0.5), np.full(n, 1.0)] + rng.normal(0, 0.02 + 0.2 * noise, size=2 * n)
    xy = np.c_[radii * np.cos(angles), radii * np.sin(angles)]
    return xy, np.repeat([0, 1], n)


def _moons(n: int, noise: float, rng: np.random.Generator):
    t0 = rng.uniform(0, np.pi, size=n)
    t1 = rng.uniform(0, np.pi, size=n)
    upper = np.c_[np.cos(t0), np.sin(t0)]
    lower = np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]
    xy = np.vstack([upper, lower]) + rng.normal(0, 0.02 + 0.25 * noise, size=(2 * n, 2))
    return xy, np.repeat([0, 1], n)


def _spiral(n: int, noise: float, rng: np.random.Generator):
    t = np.sqrt(rng.uniform(0.02, 1.0, size=n)) * 3 * np.pi
    xy = []
    for k in range(2):
        angle = t + k * np.pi
        arm = np.c_[t * np.cos(angle), t * np.sin(angle)] / (3 * np.pi)
        xy.append(arm + rng.normal(0, 0.01 + 0.08 * noise, size=(n, 2)))
    return np.vstack(xy), np.repeat([0, 1], n)


def _noisy_circle(n: int, noise: float, rng: np.random.Generator):
    # Few points, a round boundary and some labels flipped on purpose (as many in each class),
    # mostly near the boundary where real labels are ambiguous: a flexible model first learns the
    # circle, then wraps around the flipped training points, and the validation loss turns up.
    radius = 0.75
    angle = rng.uniform(0, 2 * np.pi, size=n)
    r = radius * np.sqrt(rng.uniform(0, 1, size=n))
    inside = np.c_[r * np.cos(angle), r * np.sin(angle)]
    candidates = rng.uniform(-1.5, 1.5, size=(8 * n, 2))
    outside = candidates[np.hypot(*candidates.T) > radius][:n]
    xy = np.vstack([outside, inside])
    labels = np.repeat([0, 1], n)
    flips = int(round(0.3 * noise * n))
    nearness = np.exp(-np.abs(np.hypot(*xy.T) - radius) / 0.3)
    for label in (0, 1):
        rows = np.arange(label * n, (label + 1) * n)
        chosen = rng.choice(rows, flips, replace=False, p=nearness[rows] / nearness[rows].sum())
        labels[chosen] = 1 - label
    return xy, labels


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("trout_salmon", "Trout vs salmon", _trout_salmon, 50, 0.5,
               "Length (cm) and lightness of two fish species: two Gaussian clusters."),
        Preset("xor", "XOR", _xor, 50, 0.2, "Four clusters; no straight line separates them."),
        Preset("circles", "Circles", _circles, 50, 0.3, "A ring around a disc."),
        Preset("moons", "Two moons", _moons, 50, 0.3, "Two interleaved half circles."),
        Preset("spiral", "Spiral", _spiral, 100, 0.2, "Two interleaved spiral arms: hard."),
        Preset("noisy_circle", "Noisy circle (overfitting)", _noisy_circle, 30, 0.5,
               "60 points, a disc inside a square, some labels flipped: with a held-out split, watch a "
               "flexible model (polynomial degree 6, a wide MLP) overfit."),
    )
}


def make_preset(
    name: str, *, seed: int = DEFAULT_SEED, noise: float | None = None, n_per_class: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points (2n, 2) and labels (2n,) of a preset; class 0 first, then class 1.

    Raises
    ------
    KeyError
        For an unknown preset name.
    """
    preset = PRESETS[name]
    n = preset.n_per_class if n_per_class is None else int(n_per_class)
    level = preset.noise if noise is None else float(np.clip(noise, 0.0, 1.0))
    rng = np.random.default_rng(seed)
    xy, labels = preset.generate(n, level, rng)
    return np.asarray(xy, dtype=float), np.asarray(labels, dtype=np.int64)
