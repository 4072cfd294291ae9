"""k-NN as a PyTensor graph against a NumPy k-NN, for every k in one call."""

from __future__ import annotations

import numpy as np
import pytest

from models.knn import MAX_K, KNearest
from models.splits import SplitPlan
from models.sweep import SweepData, SweepRequest, run_sweep
from tests import reference as ref


@pytest.fixture(scope="module")
def knn(backend):
    return KNearest(backend, 128, 128)


def test_predictions_and_split_errors_match_numpy_for_every_k(knn):
    rng = np.random.default_rng(4)
    n = 100
    xy = rng.normal(size=(n, 2))
    labels = (xy[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.int64)
    codes = SplitPlan(60, 20, seed=2).assign(np.arange(n))
    q, y = np.zeros((128, 2)), np.zeros(128)
    q[:n], y[:n] = xy, labels
    masks = np.zeros((3, 128))
    for c in range(3):
        masks[c, :n] = codes == c
    errors, losses, predicted, votes = knn.evaluate(q, y, masks, q, y, masks[0])
    train = codes == 0
    for k in (1, 2, 3, 4, 7, 10, 25, 40):
        expected = ref.knn_predict(xy, xy[train], labels[train], k)
        np.testing.assert_array_equal(predicted[:n, k - 1], expected, err_msg=f"k={k}")
        for c in range(3):
            assert errors[c, k - 1] == pytest.approx(np.mean(expected[codes == c] != labels[codes == c]))
        share = (votes[:n, k - 1] + 1) / (k + 2)
        expected_loss = -np.mean(np.where(labels == 1, np.log(share), np.log1p(-share))[codes == 1])
        assert losses[1, k - 1] == pytest.approx(expected_loss, rel=1e-12)
    assert errors[0, 0] == 0.0  # each training point is its own nearest neighbour


def test_agrees_with_scikit_learn_for_odd_k(knn):
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(9)
    ref_xy, ref_y = rng.normal(size=(90, 2)), rng.integers(0, 2, 90)
    query = rng.normal(size=(128, 2))
    r, yr, valid = np.zeros((128, 2)), np.zeros(128), np.zeros(128)
    r[:90], yr[:90], valid[:90] = ref_xy, ref_y, 1
    _, _, predicted, _ = knn.evaluate(query, np.zeros(128), np.zeros((3, 128)), r, yr, valid)
    for k in (1, 5, 15, 63):
        sk = KNeighborsClassifier(n_neighbors=k).fit(ref_xy, ref_y).predict(query)
        np.testing.assert_array_equal(predicted[:, k - 1], sk)


def test_padding_rows_are_never_neighbours(knn):
    q = np.zeros((128, 2))
    q[:3] = [[0, 0], [5, 5], [5.1, 5]]
    y = np.zeros(128)
    y[:3] = [1, 0, 0]
    valid = np.zeros(128)
    valid[:3] = 1
    _, _, predicted, votes = knn.evaluate(q, y, np.zeros((3, 128)), q, y, valid)
    assert votes[0, 0] == 1 and votes[0, 2] == 1  # the padding rows at (0, 0) with label 0 do not vote
    assert predicted.shape == (128, MAX_K)


def test_knn_training_error_is_zero_at_k_1_in_a_sweep(backend):
    rng = np.random.default_rng(0)
    xy = rng.uniform(-1, 1, size=(120, 2))
    labels = (np.hypot(*xy.T) < 0.6).astype(np.int64) ^ (rng.random(120) < 0.15)
    data = SweepData(xy, labels, SplitPlan(60, 20, seed=0).assign(np.arange(120)))
    points = list(run_sweep(SweepRequest("k", (1, 3, 5, 9, 15)), data, backend))
    assert [p.value for p in points] == [1, 3, 5, 9, 15]
    assert points[0].train_error == 0.0 and all(p.train_error > 0 for p in points[2:])
