"""``python main.py run --cost-surface``: the npz against NumPy, the picture, the optimizer flags."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PyQt5 import QtGui

from tests import reference as ref
from tests.app.test_cli_run import fish_csv, run_cli  # noqa: F401 - the fixture is used by name


def test_cost_surface_is_the_training_loss_over_w1_w2_at_the_final_bias(fish_csv, tmp_path):  # noqa: F811
    path, xy, y = fish_csv
    result = run_cli("run", "--points", str(path), "--lr", "0.5", "--steps", "25", "--init", "zeros",
                     "--l2", "0.01", "--cost-surface", "24", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = np.load(tmp_path / "cost_surface.npz")
    record = json.loads((tmp_path / "run.json").read_text())
    w1, w2, cost, path_w = data["w1"], data["w2"], data["cost"], data["path"]
    assert w1.shape == (24,) and w2.shape == (24,) and cost.shape == (24, 24) and path_w.shape == (26, 2)
    z = (xy - xy.mean(axis=0)) / xy.std(axis=0)
    b = record["bias"]
    expected = np.array([[ref.logistic_loss_grad(np.array([a, c]), b, z, y, 0.01)[0] for a in w1] for c in w2])
    np.testing.assert_allclose(cost, expected, rtol=1e-10)  # cost[i, j] at (w1[j], w2[i])
    w, _, _ = ref.gradient_descent_logistic(z, y, lr=0.5, steps=25, l2=0.01)
    np.testing.assert_allclose(path_w[0], [0, 0])
    np.testing.assert_allclose(path_w[-1], w, rtol=1e-9)
    assert w1.min() < path_w[:, 0].min() and path_w[:, 0].max() < w1.max()  # the grid spans the path…
    assert w2.min() < path_w[:, 1].min() and path_w[:, 1].max() < w2.max()  # …with a margin
    assert list(data["axis_names"]) == ["w1", "w2"]
    image = QtGui.QImage(str(tmp_path / "cost.png"))
    assert (image.width(), image.height()) == (760, 640)
    assert record["cost_surface"]["axes"] == ["w1", "w2"]


def test_adam_with_an_explicit_range(fish_csv, tmp_path):  # noqa: F811
    path, xy, y = fish_csv
    result = run_cli("run", "--points", str(path), "--optimizer", "adam", "--beta1", "0.8", "--eps", "1e-6",
                     "--lr", "0.05", "--steps", "12", "--init", "zeros", "--cost-surface", "5",
                     "--cost-range=-1,3,-4,0.5", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["optimizer"] == "adam"
    assert record["hyperparameters"] == {"beta1": 0.8, "beta2": 0.999, "eps": 1e-6}
    z = (xy - xy.mean(axis=0)) / xy.std(axis=0)
    grad = lambda w: ref.logistic_loss_grad(w[0], float(w[1]), z, y)[1]  # noqa: E731
    expected = ref.optimizer_updates("adam", [np.zeros(2), np.zeros(())], grad, 0.05,
                                     record["hyperparameters"], 12)[-1]
    np.testing.assert_allclose(record["weights"], expected[0], rtol=1e-9)
    data = np.load(tmp_path / "cost_surface.npz")
    np.testing.assert_allclose(data["w1"], np.linspace(-1, 3, 5))
    np.testing.assert_allclose(data["w2"], np.linspace(-4, 0.5, 5))


def test_minibatch_run_records_the_full_training_loss(fish_csv, tmp_path):  # noqa: F811
    path, xy, y = fish_csv
    result = run_cli("run", "--points", str(path), "--optimizer", "momentum", "--momentum", "0.5",
                     "--batch-size", "10", "--steps", "8", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["batch_size"] == 10 and len(record["loss_history"]) == 9
    z = (xy - xy.mean(axis=0)) / xy.std(axis=0)
    w, b = np.array(record["weights"]), record["bias"]
    assert record["final_loss"] == pytest.approx(ref.logistic_loss_grad(w, b, z, y)[0], rel=1e-10)


@pytest.mark.parametrize("args, message", [
    (("--optimizer", "sgd", "--beta1", "0.5"), "does not apply"),
    (("--optimizer", "adam", "--beta2", "1.5"), "β2 must be in"),
    (("--cost-surface", "10", "--cost-range", "1,0,0,1"), "min < max"),
    (("--cost-surface", "10", "--cost-range", "a,b"), "four comma-separated"),
    (("--optimizer", "lbfgs"), "invalid choice"),
])
def test_bad_options_exit_2_with_one_line(fish_csv, tmp_path, args, message):  # noqa: F811
    result = run_cli("run", "--points", str(fish_csv[0]), "--steps", "1", *args, "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
