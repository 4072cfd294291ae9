"""Transfer learning: few-shot sampling, frozen features, and the transfer/scratch comparison."""

from __future__ import annotations

import numpy as np
import pytest

from models.cnn_training import load_digits_data
from models.transfer import (TARGET_CLASSES, TransferConfig, TransferExperiment, TransferProgress, TransferResult,
                             few_shot_sample)
from tests.cnn_support import scratch_cnn


def test_few_shot_sample_draws_exactly_n_of_each_target_digit():
    data = load_digits_data()
    x, y = few_shot_sample(data, TARGET_CLASSES, 3, seed=1)
    assert x.shape == (15, 8, 8)
    assert np.array_equal(np.bincount(y, minlength=10)[5:], [3] * 5)
    again, _ = few_shot_sample(data, TARGET_CLASSES, 3, seed=1)
    assert np.array_equal(x, again)
    with pytest.raises(ValueError, match="1–50"):
        few_shot_sample(data, TARGET_CLASSES, 51)


def test_experiment_compares_transfer_with_scratch_on_the_same_examples():
    model = scratch_cnn()
    experiment = TransferExperiment(model, load_digits_data())
    config = TransferConfig(shots=10, pretrain_epochs=6, steps=60, eval_every=20, repeats=1)
    values = list(experiment.run(config))
    progress, result = values[:-1], values[-1]
    assert all(isinstance(p, TransferProgress) for p in progress)
    assert [p.fraction for p in progress] == sorted(p.fraction for p in progress) and progress[-1].fraction == 1
    assert isinstance(result, TransferResult)
    assert result.steps == [20, 40, 60]
    assert result.pretrain_accuracy > 0.9  # digits 0–4 are easy
    assert result.transfer_accuracy > 0.5 and result.scratch_accuracy > 0.5  # well above chance (0.2)
    assert result.transfer_curve[-1] == result.transfer_accuracy
    # a second run with other shots reuses the pre-trained layers: no "pretrain" progress
    second = list(experiment.run(TransferConfig(shots=2, pretrain_epochs=6, steps=20, eval_every=20, repeats=1)))
    assert not any(isinstance(p, TransferProgress) and p.stage == "pretrain" for p in second)
