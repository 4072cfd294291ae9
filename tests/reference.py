"""Independent NumPy transcriptions of the playground's models, loss and gradients (hand-written
backpropagation), to check the PyTensor graphs against."""

from __future__ import annotations

import numpy as np


def softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def poly_features(x: np.ndarray, degree: int) -> np.ndarray:
    cols = []
    for total in range(1, degree + 1):
        for j in range(total + 1):
            cols.append(x[:, 0] ** (total - j) * x[:, 1] ** j)
    return np.stack(cols, axis=1)


ACT = {
    "tanh": (np.tanh, lambda a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(float)),
    "sigmoid": (sigmoid, lambda a: a * (1 - a)),
}


def bce(z: np.ndarray, y: np.ndarray, m: np.ndarray | None = None) -> float:
    """Mean binary cross-entropy −1/N Σ [y log ŷ + (1−y) log(1−ŷ)] with ŷ = σ(z), over rows with m = 1."""
    m = np.ones_like(y) if m is None else m
    log_p, log_1mp = -softplus(-z), -softplus(z)  # log σ(z) and log(1 − σ(z)) without overflow
    per = -(y * log_p + (1 - y) * log_1mp)
    return float(np.sum(m * per) / max(np.sum(m), 1.0))


def logistic_loss_grad(w, b, x, y, l2=0.0, m=None):
    m = np.ones(len(y)) if m is None else m
    z = x @ w + b
    n = max(m.sum(), 1.0)
    r = m * (sigmoid(z) - y) / n
    loss = bce(z, y, m) + 0.5 * l2 * np.sum(w**2)
    return loss, [x.T @ r + l2 * w, np.sum(r)]


def poly_loss_grad(w, b, x, y, degree, l2=0.0, m=None):
    return logistic_loss_grad(w, b, poly_features(x, degree), y, l2, m)


def mlp_forward(values, x, activation):
    f, _ = ACT[activation]
    acts = [x]
    h = x
    for i in range(0, len(values) - 2, 2):
        h = f(h @ values[i] + values[i + 1])
        acts.append(h)
    z = h @ values[-2] + values[-1]
    return z, acts


def mlp_loss_grad(values, x, y, activation, l2=0.0, m=None):
    m = np.ones(len(y)) if m is None else m
    _, df = ACT[activation]
    z, acts = mlp_forward(values, x, activation)
    n = max(m.sum(), 1.0)
    weights = values[0::2]
    loss = bce(z, y, m) + 0.5 * l2 * sum(np.sum(w**2) for w in weights)
    delta = m * (sigmoid(z) - y) / n  # dL/dz, shape (N,)
    grads = [None] * len(values)
    grads[-2] = acts[-1].T @ delta + l2 * values[-2]
    grads[-1] = np.sum(delta)
    back = np.outer(delta, values[-2])  # dL/dh_last
    for layer in range(len(values) // 2 - 2, -1, -1):
        dz = back * df(acts[layer + 1])
        grads[2 * layer] = acts[layer].T @ dz + l2 * values[2 * layer]
        grads[2 * layer + 1] = dz.sum(axis=0)
        back = dz @ values[2 * layer].T
    return loss, grads


def gradient_descent_logistic(x, y, lr, steps, w0=None, b0=0.0, l2=0.0):
    """Plain full-batch GD as in the tutorial; returns the final (w, b) and the T+1 losses."""
    w = np.zeros(x.shape[1]) if w0 is None else np.array(w0, dtype=float)
    b = float(b0)
    losses = []
    for _ in range(steps):
        loss, (gw, gb) = logistic_loss_grad(w, b, x, y, l2)
        losses.append(loss)
        w, b = w - lr * gw, b - lr * gb
    losses.append(logistic_loss_grad(w, b, x, y, l2)[0])
    return w, b, losses


def knn_predict(query: np.ndarray, reference: np.ndarray, ref_labels: np.ndarray, k: int) -> np.ndarray:
    """Majority vote of the k nearest reference points (Euclidean); a tie goes to the nearest one's class."""
    predicted = np.empty(len(query), dtype=np.int64)
    for row, q in enumerate(query):
        order = np.argsort(np.sum((reference - q) ** 2, axis=1), kind="stable")[:k]
        votes = int(np.sum(ref_labels[order]))
        predicted[row] = 1 if 2 * votes > k else 0 if 2 * votes < k else int(ref_labels[order[0]])
    return predicted


# ------------------------------------------------------------------ optimizers, as published
def optimizer_updates(name: str, params: list, grad_fn, lr: float, hp: dict, steps: int) -> list[list]:
    """The parameters after each of ``steps`` updates, following each optimizer's published rule.

    ``grad_fn(params) -> grads``. SGD: w − αg. Momentum (Polyak; Lasagne): v = βv − αg, w + v.
    Nesterov (Sutskever 2013 as Lasagne writes it): v = βv − αg, w + βv − αg. AdaGrad (Goodfellow
    Alg. 8.4): r += g², w − αg/(ε + √r). RMSProp (Alg. 8.5): r = ρr + (1−ρ)g², w − αg/(ε + √r).
    Adam (Kingma & Ba Alg. 1): m, v moving averages, bias-corrected m̂, v̂, w − α m̂/(√v̂ + ε).
    """
    w = [np.array(p, dtype=float) for p in params]
    s1 = [np.zeros_like(p) for p in w]
    s2 = [np.zeros_like(p) for p in w]
    out = []
    for t in range(1, steps + 1):
        g = grad_fn(w)
        for k in range(len(w)):
            if name == "sgd":
                w[k] = w[k] - lr * g[k]
            elif name == "momentum":
                s1[k] = hp["momentum"] * s1[k] - lr * g[k]
                w[k] = w[k] + s1[k]
            elif name == "nesterov":
                s1[k] = hp["momentum"] * s1[k] - lr * g[k]
                w[k] = w[k] + hp["momentum"] * s1[k] - lr * g[k]
            elif name == "adagrad":
                s1[k] = s1[k] + g[k] ** 2
                w[k] = w[k] - lr * g[k] / (hp["eps"] + np.sqrt(s1[k]))
            elif name == "rmsprop":
                s1[k] = hp["rho"] * s1[k] + (1 - hp["rho"]) * g[k] ** 2
                w[k] = w[k] - lr * g[k] / (hp["eps"] + np.sqrt(s1[k]))
            elif name == "adam":
                s1[k] = hp["beta1"] * s1[k] + (1 - hp["beta1"]) * g[k]
                s2[k] = hp["beta2"] * s2[k] + (1 - hp["beta2"]) * g[k] ** 2
                m_hat = s1[k] / (1 - hp["beta1"] ** t)
                v_hat = s2[k] / (1 - hp["beta2"] ** t)
                w[k] = w[k] - lr * m_hat / (np.sqrt(v_hat) + hp["eps"])
            else:
                raise KeyError(name)
        out.append([p.copy() for p in w])
    return out
