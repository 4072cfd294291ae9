from __future__ import annotations

import numpy as np
import pytest

from models.points import PointSet


def test_remove_then_insert_restores_rows_ids_and_order():
    points = PointSet(np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 0]))
    before = points.snapshot()
    removed = points.remove([3, 1])
    assert len(points) == 3 and list(points.ids) == [0, 2, 4]
    points.insert(removed)
    np.testing.assert_array_equal(points.xy, before.xy)
    np.testing.assert_array_equal(points.labels, before.labels)
    np.testing.assert_array_equal(points.ids, before.ids)


def test_ids_are_never_reused():
    points = PointSet()
    points.add(0, 0, 0)
    points.add(1, 1, 1)
    points.remove([1])
    points.add(2, 2, 1)
    assert list(points.ids) == [0, 2]


def test_replace_and_restore_round_trip():
    points = PointSet(np.zeros((2, 2)), np.array([0, 1]))
    previous = points.replace(np.ones((3, 2)), np.array([1, 1, 0]))
    assert len(points) == 3
    points.restore(previous)
    assert len(points) == 2 and list(points.ids) == [0, 1]


def test_bad_input_is_rejected_and_nothing_changes():
    points = PointSet(np.zeros((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="label"):
        points.add(0, 0, 2)
    with pytest.raises(ValueError, match="finite"):
        points.add(np.nan, 0, 0)
    with pytest.raises(ValueError, match="labels"):
        points.replace(np.zeros((3, 2)), np.array([0, 1]))
    assert len(points) == 2


def test_views_are_read_only():
    points = PointSet(np.zeros((2, 2)), np.array([0, 1]))
    with pytest.raises(ValueError):
        points.xy[0, 0] = 5
