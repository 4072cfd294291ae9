"""``descida run``: train on a CSV without a window and write run.json, boundary.png and loss.png."""

from __future__ import annotations

import json
import sys
import math
from pathlib import Path

import numpy as np

from app.cli import CliError, count, int_list, non_negative_float, positive_float
from app.cli_landscape import add_arguments as add_landscape_arguments
from app.cli_landscape import hyperparameters_from_args, write_cost_surface
from models.classifiers import ACTIVATIONS, KINDS, ModelSpec, param_labels

RENDER_SIZE = (800, 640)


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="train headless and write run.json, boundary.png, loss.png",
                       description="Full-batch gradient descent w ← w − α∇L on the points of a CSV file.")
    p.add_argument("--points", required=True, help="CSV with header x1,x2,label")
    p.add_argument("--model", choices=KINDS, default="logistic")
    p.add_argument("--degree", type=int, default=3, help="polynomial degree (--model poly)")
    p.add_argument("--hidden", type=int_list, default=(16, 16), help="hidden units per layer, e.g. 16,16 (--model mlp)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="tanh")
    p.add_argument("--lr", type=positive_float, default=0.1, help="learning rate α")
    p.add_argument("--steps", type=count, default=200, help="number of gradient steps T")
    p.add_argument("--init", choices=("random", "zeros"), default="random", help="w(0): random from --seed, or zeros")
    p.add_argument("--no-standardize", action="store_true", help="train on the raw inputs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--l2", type=non_negative_float, default=0.0, help="L2 penalty λ (loss adds λ/2·Σw²)")
    p.add_argument("--backend", default=None, help="jax, numba, c or pytorch")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    add_landscape_arguments(p)
    p.set_defaults(handler=run)


def spec_from_args(args) -> ModelSpec:
    return ModelSpec(kind=args.model, degree=args.degree, hidden=tuple(args.hidden), activation=args.activation).validated()


def run(args) -> int:
    from models.backend import resolve_backend
    from models.classifiers import Classifier
    from models.points_csv import read_points_csv
    from models.training import Trainer, TrainingConfig

    spec = spec_from_args(args)
    backend = resolve_backend(args.backend)
    xy, labels = read_points_csv(args.points)
    if len(labels) == 0:
        raise CliError(f"{args.points}: the file has a header but no points")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    config = TrainingConfig(lr=args.lr, l2=args.l2, standardize=not args.no_standardize, seed=args.seed, init=args.init,
                            optimizer=args.optimizer, hyperparameters=hyperparameters_from_args(args),
                            batch_size=args.batch_size)
    trainer = Trainer(Classifier(spec, backend), spec, config)
    trainer.set_points(xy, labels)
    trainer.reset()
    trainer.current_loss()
    report = trainer.step(args.steps) if args.steps else None
    evaluation = trainer.evaluate()
    result = run_summary(trainer, spec, backend.name, evaluation.accuracy)
    result["diverged"] = bool(report and report.diverged)
    if report and report.diverged:
        result["message"] = report.message
        print(f"descida run: warning: {report.message}", file=sys.stderr)
    if args.cost_surface:
        result["cost_surface"] = write_cost_surface(trainer, args.cost_surface, args.cost_range, out)
    (out / "run.json").write_text(json.dumps(result, indent=2))
    render_run(trainer, xy, labels, evaluation.misclassified, out)
    return 0


def run_summary(trainer, spec: ModelSpec, backend_name: str, accuracy: float) -> dict:
    """The JSON record of a finished run (parameters in the model's own input space, and in data units)."""
    values = trainer.params()
    scaler = trainer.scaler
    summary = {
        "model": spec.kind,
        "architecture": spec.label(),
        "backend": backend_name,
        "lr": trainer.config.lr,
        "optimizer": trainer.config.optimizer,
        "hyperparameters": dict(trainer.config.hyperparameters),
        "batch_size": trainer.config.batch_size,
        "l2": trainer.config.l2,
        "steps": trainer.iteration,
        "init": trainer.config.init,
        "seed": trainer.config.seed,
        "standardize": trainer.config.standardize,
        "input_mean": scaler.mean.tolist(),
        "input_std": scaler.std.tolist(),
        "n_points": trainer.n_points,
        "loss_history": [float(v) for v in trainer.loss_history],
        "final_loss": float(trainer.loss_history[-1]) if trainer.loss_history else math.nan,
        "train_accuracy": float(accuracy),
        "parameters": {name: np.asarray(v).tolist() for (name, _), v in zip(spec.param_shapes(), values)},
        "parameter_labels": param_labels(spec),
    }
    if spec.kind == "logistic":
        w, b = np.asarray(values[0], dtype=float), float(values[1])
        summary["weights"] = w.tolist()
        summary["bias"] = b
        # The same boundary written for raw inputs: z = Σ (w/σ)·x + (b − Σ w·μ/σ).
        summary["weights_input_units"] = (w / scaler.std).tolist()
        summary["bias_input_units"] = float(b - np.sum(w * scaler.mean / scaler.std))
    return summary


def render_run(trainer, xy: np.ndarray, labels: np.ndarray, misclassified: np.ndarray, out: Path) -> None:
    """boundary.png and loss.png drawn by the app's own widgets, offscreen."""
    from app.render import ensure_application, render_png

    ensure_application(headless=True)
    from widgets.loss_plot import LossPlot
    from widgets.point_canvas import PointCanvas

    canvas = PointCanvas()
    canvas.resize(*RENDER_SIZE)
    canvas.set_points(xy, labels)
    canvas.fit_to_points()
    (x0, x1), (y0, y1) = canvas.plot_item.getViewBox().viewRange()
    from PyQt5 import QtCore

    from app.session import GRID_SIZE

    canvas.boundary.set_grid(trainer.proba_grid((x0, x1), (y0, y1), GRID_SIZE), QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
    canvas.set_misclassified(misclassified)
    canvas.plot_item.setTitle(f"{trainer.spec.label()} · iteration {trainer.iteration}", color=(40, 40, 40))
    render_png(canvas, out / "boundary.png", RENDER_SIZE)
    plot = LossPlot(title=f"Training loss (mean cross-entropy) · {trainer.spec.label()}")
    plot.set_series("train", trainer.loss_history)
    render_png(plot, out / "loss.png", (800, 400))
