from __future__ import annotations

import numpy as np
import pytest

from models.datasets import PRESETS, make_preset


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_are_deterministic_balanced_and_finite(name):
    xy, labels = make_preset(name, seed=0)
    again, _ = make_preset(name, seed=0)
    other, _ = make_preset(name, seed=1)
    np.testing.assert_array_equal(xy, again)
    assert not np.array_equal(xy, other)
    assert xy.shape == (2 * PRESETS[name].n_per_class, 2) and np.all(np.isfinite(xy))
    assert np.sum(labels == 0) == np.sum(labels == 1)


def test_trout_salmon_is_fifty_per_class_in_fish_units():
    xy, labels = make_preset("trout_salmon")
    assert len(labels) == 100 and labels.sum() == 50
    trout, salmon = xy[labels == 0], xy[labels == 1]
    assert 30 < trout[:, 0].mean() < salmon[:, 0].mean() < 70  # salmon are longer (cm)
    assert trout[:, 1].mean() > salmon[:, 1].mean()  # and darker


def test_noise_spreads_the_points():
    calm, _ = make_preset("circles", noise=0.0)
    noisy, _ = make_preset("circles", noise=1.0)
    radius = lambda xy: np.hypot(*xy.T)  # noqa: E731
    assert np.std(radius(noisy)[:50]) > 3 * np.std(radius(calm)[:50])


def test_unknown_preset_is_a_key_error():
    with pytest.raises(KeyError):
        make_preset("mnist")
