"""Confusion matrices and accuracy per split against a plain count."""

from __future__ import annotations

import math

import numpy as np

from models.metrics import accuracy, confusion_matrix, split_metrics


def test_confusion_matrix_counts_actual_by_predicted():
    rng = np.random.default_rng(1)
    labels, predicted = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    mask = rng.random(300) < 0.5
    expected = np.zeros((2, 2), dtype=int)
    for a, p, keep in zip(labels, predicted, mask):
        if keep:
            expected[a, p] += 1
    np.testing.assert_array_equal(confusion_matrix(labels, predicted, mask), expected)
    assert accuracy(expected) == np.mean(labels[mask] == predicted[mask])


def test_split_metrics_threshold_at_one_half_and_empty_splits_are_nan():
    labels = np.array([0, 1, 1, 0, 1])
    proba = np.array([0.2, 0.5, 0.49, 0.7, 0.9])
    codes = np.array([0, 0, 0, 1, 1])
    train, validation, test = split_metrics(labels, proba, codes, {0: 0.3})
    np.testing.assert_array_equal(train.confusion, [[1, 0], [1, 1]])
    assert train.n == 3 and train.accuracy == 2 / 3 and train.loss == 0.3
    np.testing.assert_array_equal(validation.confusion, [[0, 1], [0, 1]])
    assert validation.error == 0.5 and math.isnan(validation.loss)
    assert test.n == 0 and math.isnan(test.accuracy)
