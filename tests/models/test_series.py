from __future__ import annotations

import numpy as np
import pytest

from models.series import Series


def test_behaves_like_the_list_it_replaces():
    series, reference = Series(), []
    for value in range(200):
        series.append(value * 0.5)
        reference.append(value * 0.5)
    series.extend([1.0, 2.0])
    reference.extend([1.0, 2.0])
    series[3] = -1.0
    reference[3] = -1.0
    assert len(series) == len(reference) and series[-1] == 2.0 and series[:4] == reference[:4]
    assert list(series) == reference and series == reference
    del series[150:]
    del reference[150:]
    assert list(series) == reference
    np.testing.assert_array_equal(np.asarray(series), reference)
    with pytest.raises(IndexError):
        series[150]
    with pytest.raises(ValueError):
        del series[3:5]  # only the tail can be forgotten


def test_asarray_is_a_view_not_a_copy():
    series = Series([1.0, 2.0, 3.0])
    view = np.asarray(series)
    series[0] = 9.0
    assert view[0] == 9.0 and not Series() and bool(series)
