"""Convolution, ReLU and pooling graphs against SciPy and NumPy; gradients with verify_grad."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.signal import correlate2d
from skimage.measure import block_reduce

from models import feature_maps
from models.cnn_cache import shared_mapper
from models.filter_banks import BANKS
from models.images import load_sample
from tests.cnn_support import backend

TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-5, atol=2e-5)}


def _reference(image, filters, stride=1, padding=0):
    padded = np.pad(image, padding)
    return np.stack([correlate2d(padded, f, mode="valid")[::stride, ::stride] for f in filters])


@pytest.fixture(scope="module")
def camera():
    return load_sample("camera").grey[100:228, 200:360]  # 128×160: the cameraman's head, fast to test


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bank", ["sobel", "laplacian", "gabor", "classic"])
def test_maps_are_scipy_valid_cross_correlations(camera, dtype, bank):
    filters = BANKS[bank].filters
    maps = shared_mapper(backend(), dtype).compute(camera, filters)
    kh, kw = filters.shape[1:]
    assert maps.conv.shape == (len(filters), camera.shape[0] - kh + 1, camera.shape[1] - kw + 1)
    assert_allclose(maps.conv, _reference(camera, filters), **TOL[dtype])


@pytest.mark.parametrize("stride,padding", [(1, 1), (2, 0), (3, 2)])
def test_stride_and_padding_match_subsampled_padded_correlation(stride, padding):
    rng = np.random.default_rng(1)
    image, filters = rng.random((37, 29)), rng.normal(size=(3, 5, 3))  # non-square kernel, odd sizes
    maps = shared_mapper(backend(), "float64").compute(image, filters, stride, padding)
    assert_allclose(maps.conv, _reference(image, filters, stride, padding), **TOL["float64"])


def test_relu_and_max_pool_stages_match_numpy():
    rng = np.random.default_rng(2)
    image, filters = rng.random((41, 30)), rng.normal(size=(4, 3, 3))
    maps = shared_mapper(backend(), "float64").compute(image, filters)
    conv = _reference(image, filters)
    relu = np.maximum(conv, 0)
    assert_allclose(maps.relu, relu, **TOL["float64"])
    assert maps.relu.min() == 0 and (maps.conv < 0).any()
    h, w = relu.shape[1] // 2 * 2, relu.shape[2] // 2 * 2  # an odd edge row/column is dropped
    pooled = block_reduce(relu[:, :h, :w], (1, 2, 2), np.max)
    assert maps.pool.shape == (4, 19, 14)
    assert_allclose(maps.pool, pooled, **TOL["float64"])


def test_banded_correlation_equals_the_whole_image(monkeypatch):
    rng = np.random.default_rng(3)
    image, filters = rng.random((70, 50)), rng.normal(size=(2, 4, 4))
    monkeypatch.setattr(feature_maps, "BAND_ELEMENTS", 2 * 48 * 9)  # bands of 9 rows, a ragged last band
    mapper = feature_maps.FeatureMapper(backend(), "float64")
    assert_allclose(mapper.correlate_valid(image, filters), _reference(image, filters), **TOL["float64"])


def test_image_smaller_than_the_filter_is_refused():
    with pytest.raises(ValueError, match="smaller than the 13×13 filter"):
        shared_mapper(backend(), "float64").compute(np.zeros((10, 40)), BANKS["gabor"].filters)


@pytest.mark.parametrize("method", ["im2col", "shift"])
def test_multichannel_conv_layer_matches_scipy(method):
    import pytensor.tensor as pt

    from models.backend import compile_function
    from models.conv_ops import conv2d

    rng = np.random.default_rng(4)
    x_val, w_val = rng.normal(size=(3, 2, 9, 8)), rng.normal(size=(5, 3, 3, 3))  # (C, N, H, W), (K, C, 3, 3)
    x = pt.tensor("x", dtype="float64", shape=x_val.shape)
    w = pt.tensor("w", dtype="float64", shape=w_val.shape)
    fn = compile_function(backend(), [x, w], conv2d(x, w, stride=2, padding=1, method=method))
    out = np.asarray(fn(x_val, w_val))
    expected = np.zeros((5, 2, 5, 4))
    for k in range(5):
        for n in range(2):
            full = sum(correlate2d(np.pad(x_val[c, n], 1), w_val[k, c], mode="valid") for c in range(3))
            expected[k, n] = full[::2, ::2]
    assert_allclose(out, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["im2col", "shift"])
def test_conv_layer_gradients_verify(method):
    import pytensor.tensor as pt
    from pytensor.gradient import verify_grad

    from models.conv_ops import conv2d, max_pool2d, relu

    rng = np.random.default_rng(5)

    def layer(x, w):
        x = pt.specify_shape(x, (2, 3, 6, 6))
        w = pt.specify_shape(w, (4, 2, 3, 3))
        return max_pool2d(relu(conv2d(x, w, padding=1, method=method)), 2, route=method == "im2col")

    point = [rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(4, 2, 3, 3))]
    verify_grad(layer, point, rng=rng, mode="FAST_COMPILE", eps=1e-6)
    strided = [rng.normal(size=(1, 2, 7, 7)), rng.normal(size=(3, 1, 3, 3))]
    verify_grad(lambda x, w: conv2d(pt.specify_shape(x, (1, 2, 7, 7)), pt.specify_shape(w, (3, 1, 3, 3)),
                                    stride=2, method=method), strided, rng=rng, mode="FAST_COMPILE", eps=1e-6)


def test_routed_pooling_sends_each_block_gradient_to_its_first_maximum_only():
    import pytensor
    import pytensor.tensor as pt

    from models.conv_ops import max_pool2d

    x = pt.tensor("x", dtype="float64", shape=(1, 4, 4))
    values = np.array([[[1, 1, 0, 2], [1, 0, 2, 2], [3, 0, 5, 5], [0, 0, 5, 5]]], dtype=float)  # ties everywhere
    pooled = max_pool2d(x, 2, route=True)
    plain = max_pool2d(x, 2)
    fn = pytensor.function([x], [pooled, plain, pytensor.grad(pooled.sum(), x), pytensor.grad(plain.sum(), x)],
                           mode="FAST_COMPILE")
    out, out_plain, routed, tied = fn(values)
    assert_allclose(out, [[[1, 2], [3, 5]]]) and assert_allclose(out_plain, out)
    assert_allclose(routed, [[[1, 0, 0, 1], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]])  # one per block
    assert tied.sum() == 3 + 3 + 1 + 4  # pt.max hands the gradient to every tied maximum
