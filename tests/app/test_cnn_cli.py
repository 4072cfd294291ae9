"""The headless `filters` and `train-cnn` commands: files, numbers against SciPy, and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PIL import Image
from scipy.signal import correlate2d
from skimage import io
from skimage.color import rgb2gray
from skimage.data import astronaut, camera
from skimage.util import img_as_float

from app.cli import main
from models.cnn_training import load_digits_data, read_weights, save_weights
from tests.cnn_support import scratch_cnn, trained_cnn


@pytest.fixture(scope="module")
def colour_png(tmp_path_factory):
    path = tmp_path_factory.mktemp("img") / "astronaut.png"
    Image.fromarray(astronaut()[60:160, 180:300]).save(path)  # 120×100 colour
    return path


def _check_activations(out, expected_image, filters_shape):
    with np.load(out / "activations.npz", allow_pickle=False) as data:
        image, filters, maps = data["image"], data["filters"], data["maps"]
    assert_allclose(image, expected_image, rtol=1e-12)
    assert filters.shape == filters_shape
    k, h, w = filters.shape
    assert maps.shape == (k, image.shape[0] - h + 1, image.shape[1] - w + 1)
    for f, m in zip(filters, maps):
        assert_allclose(m, correlate2d(image, f, mode="valid"), rtol=1e-10, atol=1e-12)
    for name in ("filters.png", "maps.png"):
        with Image.open(out / name) as picture:
            assert picture.width > 100 and picture.height > 100
    return filters, maps


@pytest.mark.parametrize("bank,shape", [("sobel", (2, 3, 3)), ("gabor", (8, 13, 13)), ("laplacian", (2, 3, 3))])
def test_filters_writes_valid_cross_correlations_of_the_grey_image(tmp_path, colour_png, bank, shape, capsys):
    assert main(["filters", "--image", str(colour_png), "--bank", bank, "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.strip().endswith("activations.npz")
    filters, maps = _check_activations(tmp_path / "o", rgb2gray(io.imread(colour_png)), shape)
    if bank == "sobel":  # cross-correlation, not convolution: Sobel x is the un-flipped kernel
        assert_allclose(filters[0], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def test_grey_images_use_img_as_float(tmp_path):
    path = tmp_path / "camera.tif"
    Image.fromarray(camera()[:90, :70]).save(path)
    assert main(["filters", "--image", str(path), "--bank", "sobel", "--out", str(tmp_path / "o")]) == 0
    _check_activations(tmp_path / "o", img_as_float(io.imread(path)), (2, 3, 3))


def test_learned_bank_uses_the_first_layer_of_saved_weights(tmp_path, colour_png):
    model, _, _ = trained_cnn()
    weights = save_weights(tmp_path / "w.npz", model)
    assert main(["filters", "--image", str(colour_png), "--bank", "learned", "--weights", str(weights),
                 "--out", str(tmp_path / "o")]) == 0
    filters, _ = _check_activations(tmp_path / "o", rgb2gray(io.imread(colour_png)), (8, 3, 3))
    assert_allclose(filters, model.get_weights()["W1"][:, 0])


def test_bad_input_exits_2_with_one_line(tmp_path, colour_png, capsys):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG but then nothing useful")
    Image.fromarray(np.zeros((6, 6), np.uint8)).save(tmp_path / "tiny.png")
    cases = [
        (["--image", str(tmp_path / "bad.png"), "--bank", "sobel"], "not an image"),
        (["--image", str(tmp_path / "missing.png"), "--bank", "sobel"], "no such file"),
        (["--image", str(tmp_path / "tiny.png"), "--bank", "gabor"], "smaller than the 13×13"),
        (["--image", str(colour_png), "--bank", "learned"], "needs --weights"),
        (["--image", str(colour_png), "--bank", "learned", "--weights", str(tmp_path / "bad.png")], "not a .npz"),
        (["--image", str(colour_png), "--bank", "sobel", "--weights", str(tmp_path / "bad.png")], "only applies"),
        (["--image", str(colour_png), "--bank", "fancy"], "invalid choice"),
    ]
    for arguments, message in cases:
        assert main(["filters", *arguments, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
    assert not (tmp_path / "o" / "activations.npz").exists()


def test_train_cnn_writes_weights_and_metrics(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train-cnn", "--epochs", "3", "--quiet", "--out", str(out)]) == 0
    assert "test accuracy" in capsys.readouterr().out
    metrics = json.loads((out / "metrics.json").read_text())
    assert len(metrics["loss"]) == 3 and metrics["loss"][2] < metrics["loss"][0]
    assert metrics["test_size"] == 450 and metrics["epochs"] == 3
    spec, values = read_weights(out / "cnn.npz")
    model = scratch_cnn(spec)
    model.set_weights(values)
    data = load_digits_data()
    assert metrics["test_accuracy"] == pytest.approx(np.mean(model.predict(data.x_test) == data.y_test))
    assert metrics["test_accuracy"] > 0.8  # three epochs already learn most digits
    assert main(["train-cnn", "--epochs", "0", "--out", str(out)]) == 2
    assert "--epochs" in capsys.readouterr().err
