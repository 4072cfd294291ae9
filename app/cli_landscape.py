"""``descida run`` options for the optimizer, mini-batches and the cost surface, and the files they write:
``cost_surface.npz`` (the training cost over two parameters and the descent path) and ``cost.png``
(drawn by the app's own landscape widget, offscreen)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from app.cli import CliError, count
from models.optimizers import HYPERPARAMETER_LABELS, OPTIMIZERS, check_hyperparameters

#: Command-line flag → hyperparameter name.
HYPERPARAMETER_FLAGS = {"momentum": "momentum", "rho": "rho", "beta1": "beta1", "beta2": "beta2", "eps": "eps"}
COST_PNG_SIZE = (760, 640)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd", help="update rule (default sgd)")
    for flag, name in HYPERPARAMETER_FLAGS.items():
        users = ", ".join(o for o, info in OPTIMIZERS.items() if name in info.defaults)
        p.add_argument(f"--{flag}", type=float, default=None, help=f"{HYPERPARAMETER_LABELS[name]} ({users})")
    p.add_argument("--batch-size", type=count, default=0, help="rows per mini-batch, drawn from --seed (0: full batch)")
    p.add_argument("--cost-surface", type=count, default=0, metavar="G",
                   help="write cost_surface.npz (G×G grid) and cost.png")
    p.add_argument("--cost-range", default=None, metavar="W1MIN,W1MAX,W2MIN,W2MAX",
                   help="the grid's range (default: the path with a margin); write --cost-range=-1,3,-4,1 "
                        "when the first value is negative")


def hyperparameters_from_args(args) -> dict[str, float]:
    """The chosen optimizer's hyperparameters; a flag for another optimizer is an error."""
    given = {name: getattr(args, flag) for flag, name in HYPERPARAMETER_FLAGS.items() if getattr(args, flag) is not None}
    defaults = OPTIMIZERS[args.optimizer].defaults
    for name in given:
        if name not in defaults:
            users = [o for o, info in OPTIMIZERS.items() if name in info.defaults]
            raise CliError(f"--{name} does not apply to --optimizer {args.optimizer} (it is for {', '.join(users)})")
    try:
        return check_hyperparameters(args.optimizer, given)
    except ValueError as error:
        raise CliError(str(error)) from None


def parse_range(text: str) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise CliError(f"--cost-range {text!r} is not four comma-separated numbers") from None
    if len(values) != 4 or not all(np.isfinite(values)) or values[0] >= values[1] or values[2] >= values[3]:
        raise CliError(f"--cost-range {text!r} must be w1min,w1max,w2min,w2max with min < max")
    return values


def write_cost_surface(trainer, size: int, cost_range: str | None, out: Path) -> dict:
    """cost_surface.npz and cost.png for the finished descent; returns what run.json records of it."""
    from models.classifiers import param_labels
    from models.landscape import Landscape, SliceRequest, axis_values, default_axes, span_with_margin

    if size < 2:
        raise CliError("--cost-surface needs a grid of at least 2×2")
    spec = trainer.spec
    landscape = Landscape(trainer.classifier.backend, "float64")
    x, y, m = trainer.padded_data()
    vectors = trainer.history.matrix()
    w0_gradient = landscape.gradient(spec, vectors[0], x, y, m, trainer.config.l2)
    axes = default_axes(spec, w0_gradient)
    path = vectors[:, list(axes)]
    x0, x1, y0, y1 = parse_range(cost_range) if cost_range else span_with_margin(path, margin=0.25, min_span=1.0)
    w1, w2 = axis_values(x0, x1, size), axis_values(y0, y1, size)
    theta = trainer.flat_params()
    cost = landscape.cost_grid(spec, SliceRequest(theta, axes, w1, w2), x, y, m, trainer.config.l2)
    labels = param_labels(spec)
    np.savez(out / "cost_surface.npz", w1=w1, w2=w2, cost=cost, path=path,
             axis_names=np.array([labels[axes[0]], labels[axes[1]]]), held_params=theta)
    gradient = landscape.gradient(spec, theta, x, y, m, trainer.config.l2)
    render_cost_png(trainer, w1, w2, cost, path, axes, gradient[list(axes)], out / "cost.png")
    return {"axes": [labels[axes[0]], labels[axes[1]]], "grid": size, "range": [x0, x1, y0, y1]}


def render_cost_png(trainer, w1, w2, cost, path, axes, gradient, target: Path) -> None:
    from PyQt5 import QtCore

    from app.render import ensure_application, render_png

    ensure_application(headless=True)
    from models.classifiers import param_labels
    from models.optimizers import SHORT_TITLES
    from widgets.landscape_view import LandscapeView

    view = LandscapeView()
    dx, dy = (w1[-1] - w1[0]) / (len(w1) - 1), (w2[-1] - w2[0]) / (len(w2) - 1)
    view.set_grid(cost, QtCore.QRectF(w1[0] - dx / 2, w2[0] - dy / 2, w1[-1] - w1[0] + dx, w2[-1] - w2[0] + dy))
    labels, theta = param_labels(trainer.spec), trainer.flat_params()
    held = [k for k in range(len(theta)) if k not in axes]
    note = (f"{labels[held[0]]} = {theta[held[0]]:.3g} (its final value)" if len(held) == 1
            else f"the other {len(held)} parameters at their final values")
    view.set_axis_names(labels[axes[0]], labels[axes[1]], note)
    view.set_path(f"{SHORT_TITLES[trainer.config.optimizer]}, {trainer.iteration} steps", path, (20, 20, 20))
    view.set_range(w1[0] - dx / 2, w1[-1] + dx / 2, w2[0] - dy / 2, w2[-1] + dy / 2)
    view.set_arrow(path[-1], gradient)
    render_png(view, target, COST_PNG_SIZE)
