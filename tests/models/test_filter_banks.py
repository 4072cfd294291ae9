"""Hand-made filter banks respond to what their names say (cross-correlation, no flip)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate2d

from models.filter_banks import BANKS, bank_titles, custom_bank, gabor_kernel, get_bank, learned_bank


def _respond(image, kernel):
    return correlate2d(image, kernel, mode="valid")


def test_sobel_x_is_positive_where_the_image_brightens_to_the_right():
    ramp = np.tile(np.linspace(0, 1, 20), (10, 1))  # brighter to the right
    sobel_x, sobel_y = get_bank("sobel").filters
    assert np.all(_respond(ramp, sobel_x) > 0)
    assert np.allclose(_respond(ramp, sobel_y), 0)


def test_smoothing_filters_sum_to_one_and_edge_filters_to_zero():
    banks = {name: bank for name, bank in zip(get_bank("classic").names, get_bank("classic").filters)}
    for name in ("Box blur", "Gaussian blur"):
        assert banks[name].sum() == pytest.approx(1)
    for name in ("Sobel x", "Sobel y", "Laplacian"):
        assert banks[name].sum() == pytest.approx(0)
    assert get_bank("sharpen").filters[0].sum() == pytest.approx(1)


def test_gabor_bank_is_four_orientations_by_two_scales_and_zero_mean():
    bank = get_bank("gabor")
    assert bank.filters.shape == (8, 13, 13)
    assert np.allclose(bank.filters.sum(axis=(1, 2)), 0)
    assert len(set(bank.names)) == 8


@pytest.mark.parametrize("theta,expected", [(0, 0), (90, 2)])
def test_gabor_orientation_picks_stripes_across_its_axis(theta, expected):
    y, x = np.mgrid[0:60, 0:60]
    along = x if theta == 0 else y  # brightness varies along x: vertical stripes
    stripes = 0.5 + 0.5 * np.cos(2 * np.pi * along / 5.0)
    energies = [np.mean(_respond(stripes, f) ** 2) for f in get_bank("gabor").filters[:4]]
    assert int(np.argmax(energies)) == expected


def test_gabor_kernel_is_normalised():
    g = gabor_kernel(9, 2.0, 30.0, 6.0)
    assert g.shape == (9, 9) and abs(g.sum()) < 1e-12 and np.abs(g).sum() == pytest.approx(2)


def test_custom_and_learned_banks_and_errors():
    kernel = np.arange(9.0).reshape(3, 3)
    bank = custom_bank(kernel)
    assert bank.filters.shape == (1, 3, 3) and np.array_equal(bank.filters[0], kernel)
    with pytest.raises(ValueError, match="3×3"):
        custom_bank(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="3×3"):
        custom_bank([[np.nan, 0, 0], [0, 0, 0], [0, 0, 0]])
    learned = learned_bank(np.ones((8, 3, 3)))
    assert len(learned) == 8 and learned.names[0] == "Filter 1"
    with pytest.raises(ValueError, match="unknown filter bank 'nope'"):
        get_bank("nope")
    assert set(BANKS) | {"custom", "learned"} == set(bank_titles())
