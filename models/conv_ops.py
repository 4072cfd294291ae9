"""Convolution layers as PyTensor graphs: im2col (stacked shifted slices) + one matrix product.

Layout is **CNHW** (channels, batch, rows, columns). With channels first, the kh·kw·C shifted
slices of the input stack along a new leading axis into a contiguous (C·kh·kw, N·H'·W')
matrix, and the filters (K, C·kh·kw) multiply it from the left into (K, N·H'·W'), which *is*
the (K, N, H', W') output: no transposes on either side of the product. Measured on the
2-core machine (``bench/bench_cnn.py``), 16 3×3 filters over 512×512 take 1.8 ms (float32,
NUMBA) against 60–150 ms for ``pytensor.tensor.signal.convolve2d`` (which is also a true
convolution: it flips the kernel).

The maps are **cross-correlations**, as deep-learning frameworks define convolution:

    out[k, n, y, x] = Σ_c Σ_i Σ_j  w[k, c, i, j] · in[c, n, s·y + i, s·x + j]

Every function takes Python ints for the kernel size, stride and padding (they decide the
graph); array sizes may be symbolic (NUMBA, C) or static (JAX needs static shapes for the
reshapes: pass inputs typed with ``shape=``).
"""

from __future__ import annotations


def out_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution along one axis (0 when the kernel does not fit)."""
    return max(0, (size + 2 * padding - kernel) // stride + 1)


def _dim(x, axis: int):
    """A static size when the type knows it, else the symbolic one."""
    static = x.type.shape[axis]
    return static if static is not None else x.shape[axis]


def pad2d(x, padding: int):
    """Zero padding of the last two axes by ``padding`` on each side."""
    import pytensor.tensor as pt

    if padding <= 0:
        return x
    shape = [_dim(x, a) for a in range(x.ndim)]
    shape[-2] = shape[-2] + 2 * padding
    shape[-1] = shape[-1] + 2 * padding
    zeros = pt.zeros(shape, dtype=x.dtype)
    return pt.set_subtensor(zeros[..., padding:-padding, padding:-padding], x)


def im2col(x, kh: int, kw: int, stride: int = 1):
    """Patches of a (C, N, H, W) tensor as a (C, kh·kw, N, H', W') tensor (rows in (c, i, j) order).

    Only kh·kw slices, whatever the number of channels: graph size and compile time stay small.
    """
    import pytensor.tensor as pt

    h, w = _dim(x, 2), _dim(x, 3)
    ho = (h - kh) // stride + 1
    wo = (w - kw) // stride + 1
    slices = [
        x[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride]
        for i in range(kh)
        for j in range(kw)
    ]
    return pt.stack(slices, axis=1), ho, wo


def _channels(x) -> int:
    c = x.type.shape[0]
    if c is None:
        raise ValueError("the number of input channels must be static (type the input with shape=(C, …))")
    return int(c)


METHODS = ("im2col", "shift")


def conv2d(x, w, stride: int = 1, padding: int = 0, kernel: tuple[int, int] | None = None,
           method: str = "im2col"):
    """Cross-correlation of a (C, N, H, W) input with (K, C, kh, kw) filters → (K, N, H', W').

    ``method`` "im2col" stacks the patches and does one matrix product; "shift" sums kh·kw
    shifted slices weighted by the filter taps (an elementwise graph that XLA fuses into one
    loop: faster under JAX, slower under NUMBA). ``kernel`` gives (kh, kw) when the filters'
    type does not know them statically.
    """
    kh, kw = kernel or (w.type.shape[2], w.type.shape[3])
    if kh is None or kw is None:
        raise ValueError("the kernel size must be static or given as kernel=(kh, kw)")
    if method not in METHODS:
        raise ValueError(f"unknown convolution method {method!r}; choose one of {', '.join(METHODS)}")
    x = pad2d(x, padding)
    kh, kw = int(kh), int(kw)
    c, n, k = _channels(x), _dim(x, 1), _dim(w, 0)
    if method == "shift":
        return _conv_shift(x, w, kh, kw, stride, c)
    cols, ho, wo = im2col(x, kh, kw, stride)
    matrix = cols.reshape((c * kh * kw, n * ho * wo))
    out = w.reshape((k, c * kh * kw)) @ matrix
    return out.reshape((k, n, ho, wo))


def _conv_shift(x, w, kh: int, kw: int, stride: int, c: int):
    import pytensor.tensor as pt

    h, wd = _dim(x, 2), _dim(x, 3)
    ho = (h - kh) // stride + 1
    wo = (wd - kw) // stride + 1
    total = None
    for i in range(kh):
        for j in range(kw):
            piece = x[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride]
            if c == 1:
                term = w[:, 0, i, j][:, None, None, None] * piece
            else:
                term = pt.tensordot(w[:, :, i, j], piece, axes=[[1], [0]])
            total = term if total is None else total + term
    return total


def relu(x):
    """max(x, 0), with derivative 0 at 0 (as deep-learning frameworks define it).

    ``pt.maximum(x, 0)`` would split the gradient at x == 0, which happens a lot here: over
    the digits' blank background every pre-activation equals the bias, 0 at initialisation.
    """
    import pytensor.tensor as pt

    return pt.switch(x > 0, x, pt.zeros((), dtype=x.dtype))


def max_pool2d(x, size: int = 2, route: bool = False):
    """Non-overlapping ``size``×``size`` max-pooling of the last two axes (a ragged edge is dropped).

    With ``route``, the gradient of each block goes to its first maximum only (as in PyTorch)
    instead of to every tied maximum, which ``pt.max`` does; ties are common on blank image
    regions, where they would multiply the gradient of the bias. Forward values are identical.
    """
    import pytensor.tensor as pt

    if size <= 1:
        return x
    shape = [_dim(x, a) for a in range(x.ndim)]
    lead = shape[:-2]
    hp, wp = shape[-2] // size, shape[-1] // size
    cropped = x[..., : hp * size, : wp * size]
    blocks = cropped.reshape((*lead, hp, size, wp, size))
    if not route:
        return blocks.max(axis=(-3, -1))
    n = len(lead)
    order = (*range(n), n, n + 2, n + 1, n + 3)  # (…, hp, wp, size, size)
    flat = blocks.transpose(order).reshape((*lead, hp, wp, size * size))
    winner = pt.eq(pt.arange(size * size), pt.argmax(flat, axis=-1)[..., None])
    return pt.sum(flat * winner, axis=-1)


def correlate_bank(image, filters, stride: int = 1, method: str = "im2col"):
    """'Valid' cross-correlation of one (H, W) image with a (K, kh, kw) bank → (K, H', W').

    Both inputs must be typed with static shapes. The 2-D special case of :func:`conv2d`,
    written without the channel and batch axes, which XLA fuses better ("shift").
    """
    import pytensor.tensor as pt

    (h, w), (k, kh, kw) = image.type.shape, filters.type.shape
    if None in (h, w, k, kh, kw):
        raise ValueError("correlate_bank needs inputs typed with static shapes")
    ho, wo = out_size(h, kh, stride), out_size(w, kw, stride)
    step = stride if stride > 1 else None

    def piece(i: int, j: int):
        return image[i : i + stride * (ho - 1) + 1 : step, j : j + stride * (wo - 1) + 1 : step]

    if method == "shift":
        return sum(filters[:, i, j][:, None, None] * piece(i, j)[None] for i in range(kh) for j in range(kw))
    if method != "im2col":
        raise ValueError(f"unknown convolution method {method!r}; choose one of {', '.join(METHODS)}")
    cols = pt.stack([piece(i, j) for i in range(kh) for j in range(kw)], axis=0).reshape((kh * kw, ho * wo))
    return (filters.reshape((k, kh * kw)) @ cols).reshape((k, ho, wo))
