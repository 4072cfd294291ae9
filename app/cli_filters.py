"""``descida filters``: a filter bank's 'valid' cross-correlation maps of an image, headless.

Writes ``DIR/activations.npz`` (``image`` (H, W) grey in [0, 1], ``filters`` (K, h, w), ``maps``
(K, H−h+1, W−w+1) before any nonlinearity, ``names``) and ``DIR/filters.png``, ``DIR/maps.png``
drawn by the app's own grid widget.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from app.cli import CliError

BANK_CHOICES = ("sobel", "laplacian", "gabor", "learned", "sharpen", "blur", "classic")


def add_parser(sub) -> None:
    p = sub.add_parser("filters", help="apply a filter bank to an image: activations.npz, filters.png, maps.png",
                       description="'Valid' cross-correlation of the grey image with each filter of a bank, "
                                   "computed by a compiled PyTensor graph.")
    p.add_argument("--image", required=True, help="PNG, JPEG, BMP or TIFF (colour is converted with rgb2gray)")
    p.add_argument("--bank", required=True, choices=BANK_CHOICES, help="hand-made bank, or 'learned' with --weights")
    p.add_argument("--weights", help="CNN weights (.npz from train-cnn or the window) for --bank learned")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--precision", choices=("float64", "float32"), default="float64",
                   help="arithmetic of the maps (default float64: equal to SciPy's to ~1e-15)")
    p.add_argument("--backend", default=None, help="jax, numba or c")
    p.set_defaults(handler=run)


def bank_filters(bank: str, weights: str | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """The (K, h, w) filters and their names for a --bank/--weights pair."""
    from models.cnn_training import read_weights
    from models.filter_banks import get_bank, learned_bank

    if bank == "learned":
        if not weights:
            raise CliError("--bank learned needs --weights W.npz (from train-cnn or Save weights in the window)")
        _, values = read_weights(weights)
        chosen = learned_bank(values["W1"][:, 0])
    else:
        if weights:
            raise CliError(f"--weights only applies to --bank learned, not --bank {bank}")
        chosen = get_bank(bank)
    return chosen.filters, chosen.names


def run(args) -> int:
    from models.backend import resolve_backend
    from models.cnn_cache import cnn_backend
    from models.feature_maps import FeatureMapper
    from models.images import load_image

    filters, names = bank_filters(args.bank, args.weights)
    loaded = load_image(args.image)
    image = loaded.grey
    kh, kw = filters.shape[1:]
    if image.shape[0] < kh or image.shape[1] < kw:
        raise CliError(f"{loaded.name} ({image.shape[1]}×{image.shape[0]}) is smaller than the {kw}×{kh} filters")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    mapper = FeatureMapper(cnn_backend(resolve_backend(args.backend)), args.precision)
    maps = mapper.correlate_valid(image, filters)
    path = out / "activations.npz"
    with open(path, "wb") as handle:
        np.savez(handle, image=image, filters=np.asarray(filters, dtype=float), maps=maps,
                 names=np.array(names, dtype=str))
    render_grids(filters, maps, names, out)
    print(path)
    return 0


def render_grids(filters: np.ndarray, maps: np.ndarray, names, out: Path) -> None:
    """filters.png and maps.png drawn by the window's ``ImageGrid``, offscreen."""
    from app.render import ensure_application, render_png

    ensure_application(headless=True)
    from widgets.image_grid import ImageGrid

    count = len(filters)
    columns = max(1, min(count, math.ceil(math.sqrt(count * 2))))
    rows = math.ceil(count / columns)
    grid = ImageGrid(title="Filters", values=True)
    grid.resize(170 * columns, 40 + 170 * rows)
    grid.set_images(filters, names, signed=True)
    render_png(grid, out / "filters.png", (170 * columns, 40 + 170 * rows))
    h, w = maps.shape[1:]
    cell = 320
    cell_h = int(cell * h / max(w, 1)) + 24
    grid = ImageGrid(title="Feature maps (convolution, before ReLU)")
    grid.resize(cell * columns, 40 + cell_h * rows)
    grid.set_images(maps, names, signed=True)
    render_png(grid, out / "maps.png", (cell * columns, 40 + cell_h * rows))
