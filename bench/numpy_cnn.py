"""The digits CNN hand-written in NumPy (im2col forward, backpropagation, Adam): the benchmark's
reference for one train step. Weights use the same layout and feature order as ``models.cnn``,
so both can start from the same values and be checked against each other."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from models.cnn import ADAM, CNNSpec


def _im2col(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) → (N·H·W, C·9) patches of the zero-padded ('same') input, rows (n, y, x), cols (c, i, j)."""
    n, c, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(padded, (3, 3), axis=(2, 3))  # (N, C, H, W, 3, 3)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * w, c * 9)


def _col2im(dcols: np.ndarray, shape: tuple[int, int, int, int]) -> np.ndarray:
    n, c, h, w = shape
    d = dcols.reshape(n, h, w, c, 3, 3)
    dpadded = np.zeros((n, c, h + 2, w + 2))
    for i in range(3):
        for j in range(3):
            dpadded[:, :, i : i + h, j : j + w] += d[..., i, j].transpose(0, 3, 1, 2)
    return dpadded[:, :, 1:-1, 1:-1]


def _conv_block(x, w, b):
    """conv 3×3 'same' → ReLU → 2×2 max-pool on (N, C, H, W); returns the output and a cache."""
    n, c, h, wd = x.shape
    cols = _im2col(x)
    z = cols @ w.reshape(len(w), -1).T + b  # (N·H·W, K)
    a = np.maximum(z, 0).reshape(n, h, wd, len(w))
    k = len(w)
    blocks = a.reshape(n, h // 2, 2, wd // 2, 2, k).transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, wd // 2, k, 4)
    first = blocks.argmax(axis=-1)  # the gradient goes to the first maximum of each block, as in PyTorch
    pooled = np.take_along_axis(blocks, first[..., None], axis=-1)[..., 0]
    mask = np.arange(4) == first[..., None]  # (N, h/2, w/2, K, 4)
    out = pooled.transpose(0, 3, 1, 2)  # (N, K, h/2, w/2)
    return out, (x.shape, cols, z, mask)


def _conv_block_backward(dout, w, cache):
    shape, cols, z, mask = cache
    n, c, h, wd = shape
    k = len(w)
    dpooled = dout.transpose(0, 2, 3, 1)  # (N, h/2, w/2, K)
    dblocks = mask * dpooled[..., None]  # (N, h/2, w/2, K, 4)
    da = dblocks.reshape(n, h // 2, wd // 2, k, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n * h * wd, k)
    dz = da * (z > 0)
    dw = (dz.T @ cols).reshape(w.shape)
    db = dz.sum(axis=0)
    dx = _col2im(dz @ w.reshape(len(w), -1), shape)
    return dx, dw, db


class NumpyCNN:
    """Forward, backward and an Adam step for :class:`CNNSpec` networks (float64)."""

    def __init__(self, spec: CNNSpec, values: dict[str, np.ndarray]) -> None:
        self.spec = spec
        self.params = {k: np.array(v, dtype=float) for k, v in values.items()}
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray):
        p = self.params
        h1, cache1 = _conv_block(x[:, None].astype(float), p["W1"], p["b1"])
        h, cache2 = h1, None
        if self.spec.channels2:
            h, cache2 = _conv_block(h1, p["W2"], p["b2"])
        features = h.reshape(len(x), -1)
        logits = features @ p["Wd"] + p["bd"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = len(x)
        loss = -log_p[np.arange(n), y].mean()
        dlogits = np.exp(log_p)
        dlogits[np.arange(n), y] -= 1
        dlogits /= n
        grads = {"Wd": features.T @ dlogits, "bd": dlogits.sum(axis=0)}
        dh = (dlogits @ p["Wd"].T).reshape(h.shape)
        if self.spec.channels2:
            dh, grads["W2"], grads["b2"] = _conv_block_backward(dh, p["W2"], cache2)
        _, grads["W1"], grads["b1"] = _conv_block_backward(dh, p["W1"], cache1)
        return loss, grads

    def train_step(self, x: np.ndarray, y: np.ndarray, lr: float) -> float:
        loss, grads = self.loss_and_grads(x, y)
        self.t += 1
        b1, b2, eps = ADAM["beta1"], ADAM["beta2"], ADAM["eps"]
        scale = lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            self.params[k] = self.params[k] - scale * self.m[k] / (np.sqrt(self.v[k]) + eps)
        return float(loss)
