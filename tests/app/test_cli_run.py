"""``python main.py run`` against an independent NumPy gradient descent, and its error handling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt5 import QtGui

from models.datasets import make_preset
from models.points_csv import write_points_csv
from tests import reference as ref

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def fish_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "fish.csv"
    xy, labels = make_preset("trout_salmon")
    write_points_csv(path, xy, labels, class_names=True)
    return path, xy, labels.astype(float)


def test_logistic_run_matches_the_tutorial_gradient_descent(fish_csv, tmp_path):
    path, xy, y = fish_csv
    out = tmp_path / "out"
    result = run_cli("run", "--points", str(path), "--model", "logistic", "--lr", "0.002", "--steps", "200",
                     "--init", "zeros", "--no-standardize", "--out", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "run.json").read_text())
    w, b, losses = ref.gradient_descent_logistic(xy, y, lr=0.002, steps=200)
    assert record["model"] == "logistic"
    np.testing.assert_allclose(record["weights"], w, rtol=1e-8)
    assert record["bias"] == pytest.approx(b, rel=1e-8)
    assert len(record["loss_history"]) == 201
    np.testing.assert_allclose(record["loss_history"], losses, rtol=1e-8)
    predicted = (xy @ w + b) >= 0
    assert record["train_accuracy"] == pytest.approx(np.mean(predicted == (y == 1)))
    for name, size in (("boundary.png", (800, 640)), ("loss.png", (800, 400))):
        image = QtGui.QImage(str(out / name))
        assert (image.width(), image.height()) == size


def test_standardized_run_reports_weights_in_both_spaces(fish_csv, tmp_path):
    path, xy, y = fish_csv
    result = run_cli("run", "--points", str(path), "--lr", "0.5", "--steps", "30", "--init", "zeros", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "run.json").read_text())
    mean, std = xy.mean(axis=0), xy.std(axis=0)
    w, b, losses = ref.gradient_descent_logistic((xy - mean) / std, y, lr=0.5, steps=30)
    np.testing.assert_allclose(record["weights"], w, rtol=1e-8)
    np.testing.assert_allclose(record["loss_history"], losses, rtol=1e-8)
    raw_z = xy @ np.array(record["weights_input_units"]) + record["bias_input_units"]
    np.testing.assert_allclose(raw_z, ((xy - mean) / std) @ w + b, rtol=1e-8, atol=1e-9)


def test_mlp_run(fish_csv, tmp_path):
    path, _, _ = fish_csv
    result = run_cli("run", "--points", str(path), "--model", "mlp", "--hidden", "8,4", "--activation", "tanh",
                     "--steps", "50", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["architecture"] == "MLP 2-8-4-1 tanh" and len(record["loss_history"]) == 51
    assert record["loss_history"][-1] < record["loss_history"][0]
    assert np.array(record["parameters"]["W1"]).shape == (2, 8)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run", "--points", "{csv}", "--lr", "-1", "--out", "{out}"], "--lr"),
        (["run", "--points", "{csv}", "--steps", "many", "--out", "{out}"], "--steps"),
        (["run", "--points", "{csv}", "--model", "svm", "--out", "{out}"], "--model"),
        (["run", "--points", "{csv}", "--model", "mlp", "--hidden", "0", "--out", "{out}"], "units"),
        (["run", "--points", "{csv}", "--backend", "cuda", "--out", "{out}"], "cuda"),
        (["run", "--points", "{missing}", "--out", "{out}"], "cannot read"),
        (["run", "--points", "{bad}", "--out", "{out}"], "line 3"),
        (["run", "--out", "{out}"], "--points"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_arguments_and_bad_csv_exit_2_with_one_line(args, fragment, fish_csv, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n1,2,3\n")
    values = {"csv": str(fish_csv[0]), "out": str(tmp_path / "o"), "missing": str(tmp_path / "nope.csv"), "bad": str(bad)}
    result = run_cli(*[a.format(**values) for a in args], timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr
