"""Splits: deterministic for a seed, disjoint, covering, close to the percentages, stable under edits."""

from __future__ import annotations

import numpy as np
import pytest

from models.points import PointSet
from models.splits import BLOCK, TEST, TRAIN, VALIDATION, SplitPlan, split_counts, split_keys, split_problems


def test_the_same_seed_gives_the_same_split_and_another_seed_another():
    ids = np.arange(200)
    plan = SplitPlan(60, 20, seed=7)
    np.testing.assert_array_equal(plan.assign(ids), SplitPlan(60, 20, seed=7).assign(ids))
    other = SplitPlan(60, 20, seed=8).assign(ids)
    assert np.mean(other != plan.assign(ids)) > 0.3


def test_every_point_is_in_exactly_one_split_and_the_percentages_hold_per_block():
    ids = np.arange(1000, 1200)  # 200 consecutive ids: ten whole blocks
    for train, validation in ((60, 20), (70, 15), (50, 25), (80, 0)):
        codes = SplitPlan(train, validation, seed=3).assign(ids)
        assert set(np.unique(codes)) <= {TRAIN, VALIDATION, TEST} and len(codes) == len(ids)
        masks = [codes == c for c in (TRAIN, VALIDATION, TEST)]
        assert np.all(sum(m.astype(int) for m in masks) == 1)  # disjoint and covering
        assert split_counts(codes) == (2 * train, 2 * validation, 2 * (100 - train - validation))
        for block in range(10):  # stratified: exact on every whole block of 20 ids
            chunk = codes[block * BLOCK:(block + 1) * BLOCK]
            assert np.sum(chunk == TRAIN) == train * BLOCK // 100


def test_keys_are_uniform_and_odd_percentages_are_off_by_at_most_one_per_block():
    keys = split_keys(0, np.arange(2000))
    assert np.all((keys >= 0) & (keys < 1))
    assert np.histogram(keys, bins=10, range=(0, 1))[0].tolist() == [200] * 10
    codes = SplitPlan(33, 33, seed=1).assign(np.arange(2000))
    for block in range(100):
        n_train = np.sum(codes[block * BLOCK:(block + 1) * BLOCK] == TRAIN)
        assert 6 <= n_train <= 7  # 33% of 20 = 6.6


def test_editing_points_keeps_every_other_point_in_its_split():
    rng = np.random.default_rng(0)
    points = PointSet(rng.normal(size=(50, 2)), rng.integers(0, 2, 50))
    plan = SplitPlan(60, 20, seed=5)
    before = dict(zip(points.ids.tolist(), plan.assign(points.ids).tolist()))
    points.add(0.1, 0.2, 1)
    removed = points.remove([3, 17, 40])
    points.move([5], np.array([[9.0, 9.0]]))
    points.set_labels([6], [1 - points.labels[6]])
    after = dict(zip(points.ids.tolist(), plan.assign(points.ids).tolist()))
    assert all(after[i] == before[i] for i in after if i in before)
    points.insert(removed)  # undo the deletion: the points come back to their own splits
    again = dict(zip(points.ids.tolist(), plan.assign(points.ids).tolist()))
    assert all(again[i] == before[i] for i in before)


def test_pins_override_the_draw_and_survive_a_redraw():
    ids = np.arange(40)
    plan = SplitPlan(60, 20, seed=0)
    codes = plan.assign(ids)
    train_id = int(ids[codes == TRAIN][0])
    pinned = plan.with_pins([train_id], TEST)
    assert pinned.assign(ids)[train_id] == TEST and pinned.pin_of(train_id) == TEST
    changed = np.flatnonzero(pinned.assign(ids) != codes)
    assert changed.tolist() == [train_id]
    redrawn = SplitPlan(60, 20, seed=9, pins=pinned.pins)
    assert redrawn.assign(ids)[train_id] == TEST
    assert pinned.with_pins([train_id], None).assign(ids)[train_id] == TRAIN
    assert pinned.with_pins([train_id], None).pins == ()


@pytest.mark.parametrize("train, validation, fragment", [(0, 20, "training split"), (90, 20, "validation can be"),
                                                        (60, -1, "validation can be")])
def test_impossible_percentages_are_refused_with_a_message(train, validation, fragment):
    with pytest.raises(ValueError, match=fragment):
        SplitPlan(train, validation).validated()


def test_problems_name_an_empty_validation_split_and_a_missing_class():
    labels = np.array([0, 0, 1, 1])
    problems = split_problems(np.array([0, 0, 2, 2]), labels, class_names=("trout", "salmon"))
    assert any("no salmon" in p for p in problems) and any("validation split is empty" in p for p in problems)
    assert split_problems(np.array([0, 1, 0, 2]), labels) == []
