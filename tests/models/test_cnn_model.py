"""The digits CNN: its graph against an independent SciPy/NumPy transcription, training, weight files."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from models.cnn import TRAIN_BATCH, CNNSpec
from models.cnn_training import WeightsFileError, load_digits_data, read_weights, save_weights
from tests.cnn_support import TRAIN_EPOCHS, log_softmax, reference_forward, scratch_cnn, trained_cnn


def test_digits_split_is_fixed_and_stratified():
    data = load_digits_data()
    assert (len(data.x_train), len(data.x_test)) == (1347, 450)
    assert data.x_train.shape[1:] == (8, 8) and 0 <= data.x_train.min() and data.x_train.max() <= 1
    counts = np.bincount(data.y_test, minlength=10)
    assert counts.min() >= 43 and counts.max() <= 46  # each digit ≈ 10 % of the test set
    from sklearn.datasets import load_digits

    everything = np.concatenate([data.x_train, data.x_test]).reshape(len(data.y_train) + len(data.y_test), -1)
    assert sorted(map(tuple, everything * 16)) == sorted(map(tuple, load_digits().data))


def test_trained_cnn_reaches_95_percent_on_the_test_set():
    model, last, reports = trained_cnn()
    assert last.epoch == TRAIN_EPOCHS
    data = load_digits_data()
    accuracy = np.mean(model.predict(data.x_test) == data.y_test)
    assert accuracy == pytest.approx(last.test_accuracy)
    assert accuracy >= 0.95
    epoch_losses = last.losses
    assert len(epoch_losses) == TRAIN_EPOCHS and epoch_losses[-1] < 0.25 * epoch_losses[0]


@pytest.mark.parametrize("spec", [CNNSpec(), CNNSpec(channels1=12, channels2=0)])
def test_probabilities_match_a_numpy_transcription(spec):
    model = scratch_cnn(spec)
    model.reset(seed=3)
    images = load_digits_data().x_test[:7]
    z = reference_forward(model.get_weights(), images, spec)
    assert_allclose(model.predict_proba(images), np.exp(log_softmax(z)), rtol=1e-9, atol=1e-12)
    assert_allclose(model.predict_proba(images, classes=(5, 6, 7, 8, 9))[:, :5], 0, atol=1e-12)
    masked = z[:, 5:]
    assert_allclose(model.predict_proba(images, classes=(5, 6, 7, 8, 9))[:, 5:], np.exp(log_softmax(masked)),
                    rtol=1e-9, atol=1e-12)


def test_train_step_returns_the_cross_entropy_and_adam_moves_every_weight():
    model = scratch_cnn()
    model.reset(seed=4)
    data = load_digits_data()
    x, y = data.x_train[:50], data.y_train[:50]
    before = model.get_weights()
    expected = -np.mean(log_softmax(reference_forward(before, x, model.spec))[np.arange(50), y])
    loss = model.train_step(x, y, lr=0.01)
    assert loss == pytest.approx(expected, rel=1e-9)
    after = model.get_weights()
    for name in before:
        step = np.abs(after[name] - before[name])
        # Adam's first step moves each weight with a non-zero gradient by ≈ lr.
        assert step.max() == pytest.approx(0.01, rel=1e-3), name
    with pytest.raises(ValueError, match=f"at most {TRAIN_BATCH}"):
        model.train_step(data.x_train[: TRAIN_BATCH + 1], data.y_train[: TRAIN_BATCH + 1])


@pytest.mark.parametrize("spec", [CNNSpec(), CNNSpec(channels1=12, channels2=0)])
def test_adam_steps_match_hand_written_numpy_backpropagation(spec):
    from bench.numpy_cnn import NumpyCNN

    model = scratch_cnn(spec)
    model.reset(seed=6)
    reference = NumpyCNN(spec, model.get_weights())
    data = load_digits_data()
    for start in range(0, 192, 64):  # blank borders give tied maxima and zero pre-activations: both
        x, y = data.x_train[start : start + 64], data.y_train[start : start + 64]  # follow PyTorch's rules
        assert model.train_step(x, y, 0.01) == pytest.approx(reference.train_step(x, y, 0.01), rel=1e-12)
    for name, value in model.get_weights().items():
        assert_allclose(value, reference.params[name], rtol=1e-9, atol=1e-12, err_msg=name)


def test_head_only_steps_leave_the_convolution_layers_frozen():
    model = scratch_cnn()
    model.reset(seed=5)
    data = load_digits_data()
    before = model.get_weights()
    for start in range(0, 192, 64):
        model.train_step(data.x_train[start : start + 64], data.y_train[start : start + 64], 0.01, head_only=True)
    after = model.get_weights()
    for name in ("W1", "b1", "W2", "b2"):
        assert np.array_equal(after[name], before[name]), name
    assert not np.allclose(after["Wd"], before["Wd"])


def test_weights_round_trip_through_npz(tmp_path):
    model, _, _ = trained_cnn()
    path = save_weights(tmp_path / "cnn.npz", model)
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"spec", "param_W1", "param_b1", "param_W2", "param_b2", "param_Wd", "param_bd"}
    spec, values = read_weights(path)
    assert spec == model.spec
    other = scratch_cnn(spec)
    other.reset(seed=9)
    other.set_weights(values)
    images = load_digits_data().x_test[:20]
    assert_allclose(other.predict_proba(images), model.predict_proba(images), rtol=1e-12)


def test_bad_weight_files_give_one_line_errors(tmp_path):
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"PK\x03\x04 this is not a zip archive")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, spec=np.array([8, 16, 10, 8]), param_W1=np.array([{"a": 1}], dtype=object))
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, spec=np.array([8, 0, 10, 8]), param_W1=np.zeros((8, 1, 5, 5)), param_b1=np.zeros(8),
             param_Wd=np.zeros((128, 10)), param_bd=np.zeros(10))
    text = tmp_path / "text.npz"
    text.write_text("weights: none")
    for path, message in [(corrupt, "not a .npz archive"), (pickled, "pickles"), (foreign, "not a Descida"),
                          (text, "not a .npz archive"),
                          (wrong, r"W1 has shape \(8, 1, 5, 5\)"), (tmp_path / "missing.npz", "no such file")]:
        with pytest.raises(WeightsFileError, match=message) as info:
            read_weights(path)
        assert "\n" not in str(info.value)


def test_pytorch_mode_falls_back_to_a_back_end_that_runs_these_graphs():
    from models.backend import Backend
    from models.cnn_cache import cnn_backend

    assert cnn_backend(Backend("pytorch")).name in ("jax", "numba", "c")
    assert cnn_backend(Backend("numba")) == Backend("numba")
