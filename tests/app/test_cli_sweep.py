"""``python main.py sweep``: the JSON record against an independent training, and its error handling."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PyQt5 import QtGui

from models.classifiers import ModelSpec
from models.datasets import make_preset
from models.points_csv import write_points_csv
from models.splits import TEST, TRAIN, VALIDATION, SplitPlan
from models.training import Trainer, TrainingConfig
from tests.app.test_cli_run import run_cli


@pytest.fixture(scope="module")
def circle_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "circle.csv"
    xy, labels = make_preset("noisy_circle", n_per_class=50)
    write_points_csv(path, xy, labels)
    return path, xy, labels


def test_degree_sweep_writes_json_and_png_that_match_an_independent_training(circle_csv, tmp_path, classifier_cache,
                                                                              backend):
    path, xy, labels = circle_csv
    out = tmp_path / "out"
    result = run_cli("sweep", "--points", str(path), "--param", "degree", "--values", "1,2,3,4,5,6",
                     "--split", "60,20,20", "--seed", "0", "--steps", "500", "--backend", backend.name,
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "sweep.json").read_text())
    codes = SplitPlan(60, 20, seed=0).assign(np.arange(len(labels)))
    assert record["split"]["counts"] == {"train": 60, "validation": 20, "test": 20}
    assert record["values"] == [1, 2, 3, 4, 5, 6] and len(record["results"]) == 6
    val_errors = [r["validation_error"] for r in record["results"]]
    assert record["chosen"] in [v for v, e in zip(record["values"], val_errors) if e == min(val_errors)]
    for entry in record["results"][::5]:  # degrees 1 and 6, trained again by the playground's own trainer
        spec = ModelSpec("poly", degree=entry["value"])
        trainer = Trainer(classifier_cache.get(spec, backend), spec, TrainingConfig(lr=0.1, seed=0))
        trainer.set_points(xy, labels, codes == TRAIN)
        trainer.reset()
        trainer.step(500)
        predicted = trainer.proba_at(xy) >= 0.5
        for code, key in ((TRAIN, "train_error"), (VALIDATION, "validation_error")):
            assert entry[key] == pytest.approx(np.mean(predicted[codes == code] != labels[codes == code]))
        if entry["value"] == record["chosen"]:
            assert record["test"]["error"] == pytest.approx(np.mean(predicted[codes == TEST] != labels[codes == TEST]))
    assert record["test"]["value"] == record["chosen"] and record["test"]["n"] == 20
    image = QtGui.QImage(str(out / "sweep.png"))
    assert (image.width(), image.height()) == (800, 500)


def test_knn_sweep_training_error_is_zero_at_k_1(circle_csv, tmp_path):
    path, _, _ = circle_csv
    result = run_cli("sweep", "--points", str(path), "--param", "k", "--values", "1,3,5,9,62", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "k = 62 left out" in result.stderr
    record = json.loads((tmp_path / "sweep.json").read_text())
    assert record["values"] == [1, 3, 5, 9] and record["results"][0]["train_error"] == 0.0
    assert record["best_by_training"] == 1


@pytest.mark.parametrize("args, fragment", [
    (["--param", "degree", "--values", "1,11"], "1…10"),
    (["--param", "depth"], "--param"),
    (["--param", "degree", "--split", "70,20"], "sum to 100"),
    (["--param", "degree", "--split", "100,0,0"], "validation split is empty"),
    (["--param", "l2", "--values", "0,0.1"], "> 0"),
])
def test_bad_arguments_exit_2_with_one_line(args, fragment, circle_csv, tmp_path):
    result = run_cli("sweep", "--points", str(circle_csv[0]), *args, "--out", str(tmp_path / "o"), timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert not (tmp_path / "o" / "sweep.json").exists()
