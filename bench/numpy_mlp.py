"""The MLP 2-32-32-1 tanh step and grid written by hand in NumPy (and in PyTorch), as references."""

from __future__ import annotations

import numpy as np


def init(sizes=(2, 32, 32, 1), seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, 1 / np.sqrt(a), size=(a, b)), np.zeros(b)]
    params[-2] = params[-2][:, 0]
    params[-1] = np.zeros(())
    return params


def numpy_step(params, x, y, lr):
    """One full-batch GD step of mean BCE, in place; returns the loss before it."""
    acts = [x]
    h = x
    for i in range(0, len(params) - 2, 2):
        h = np.tanh(h @ params[i] + params[i + 1])
        acts.append(h)
    z = h @ params[-2] + params[-1]
    loss = np.mean(np.logaddexp(0, z) - y * z)
    delta = (1 / (1 + np.exp(-z)) - y) / len(y)
    grads = [None] * len(params)
    grads[-2], grads[-1] = acts[-1].T @ delta, delta.sum()
    back = np.outer(delta, params[-2])
    for layer in range(len(params) // 2 - 2, -1, -1):
        dz = back * (1 - acts[layer + 1] ** 2)
        grads[2 * layer], grads[2 * layer + 1] = acts[layer].T @ dz, dz.sum(axis=0)
        back = dz @ params[2 * layer].T
    for p, g in zip(params, grads):
        p -= lr * g
    return loss


def numpy_proba(params, x):
    h = x
    for i in range(0, len(params) - 2, 2):
        h = np.tanh(h @ params[i] + params[i + 1])
    return 1 / (1 + np.exp(-(h @ params[-2] + params[-1])))


def torch_functions(params, x, y):
    """(step, proba) closures in PyTorch CPU float64, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    tp = [torch.tensor(p, requires_grad=True) for p in params]
    tx, ty = torch.tensor(x), torch.tensor(y)

    def forward(inputs):
        h = inputs
        for i in range(0, len(tp) - 2, 2):
            h = torch.tanh(h @ tp[i] + tp[i + 1])
        return h @ tp[-2] + tp[-1]

    def step():
        z = forward(tx)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, ty)
        grads = torch.autograd.grad(loss, tp)
        with torch.no_grad():
            for p, g in zip(tp, grads):
                p -= 0.1 * g
        return float(loss)

    def proba(grid):
        with torch.no_grad():
            return torch.sigmoid(forward(torch.as_tensor(grid))).numpy()

    return step, proba
