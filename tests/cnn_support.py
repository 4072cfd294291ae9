"""Compiled CNN objects shared by every CNN test of a run (each costs seconds to compile).

Cached per process with ``functools.cache`` rather than conftest fixtures, so that test modules
in different folders share one compiled graph without touching the shared conftest.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.signal import correlate2d

from models.backend import resolve_backend
from models.cnn import CNNSpec
from models.cnn_cache import shared_cnn
from models.cnn_training import TrainConfig, load_digits_data, train

TRAIN_EPOCHS = 20
SEED = 0


@functools.cache
def backend():
    return resolve_backend()


@functools.cache
def trained_cnn():
    """The default digits CNN trained with a fixed seed; returns (model, final report, first-epoch loss)."""
    model = shared_cnn(CNNSpec(), backend(), purpose="tests-trained")
    model.reset(SEED)
    data = load_digits_data()
    reports = list(train(model, data.x_train, data.y_train, TrainConfig(epochs=TRAIN_EPOCHS, seed=SEED),
                         data.x_test, data.y_test))
    return model, reports[-1], reports


def scratch_cnn(spec: CNNSpec = CNNSpec()):
    """A compiled CNN whose weights tests may change freely (reset it first)."""
    return shared_cnn(spec, backend(), purpose="tests-scratch")


def reference_forward(values: dict, images: np.ndarray, spec: CNNSpec) -> np.ndarray:
    """Logits of the CNN written with SciPy and NumPy loops (an independent transcription)."""
    def layer(inputs, w, b):  # inputs (N, C, H, W) → ReLU(conv 'same') → 2×2 max-pool
        n, c, h, wd = inputs.shape
        out = np.zeros((n, len(w), h, wd))
        for i in range(n):
            for k in range(len(w)):
                out[i, k] = sum(correlate2d(np.pad(inputs[i, ch], 1), w[k, ch], mode="valid") for ch in range(c))
                out[i, k] += b[k]
        out = np.maximum(out, 0)
        return out.reshape(n, len(w), h // 2, 2, wd // 2, 2).max(axis=(3, 5))

    h = layer(images[:, None].astype(float), values["W1"], values["b1"])
    if spec.channels2:
        h = layer(h, values["W2"], values["b2"])
    return h.reshape(len(images), -1) @ values["Wd"] + values["bd"]


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))
