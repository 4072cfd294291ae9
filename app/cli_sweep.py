"""``descida sweep``: model selection without a window; writes sweep.json and sweep.png.

Splits the points of a CSV into train / validation / test (``--split 60,20,20``, seeded by
``--seed``, which also seeds w(0)), trains one model per value of ``--param`` from the same w(0),
chooses the value with the lowest validation error, and only then scores that model on test.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

from app.cli import CliError, count, int_list, non_negative_float, positive_float
from models.classifiers import ACTIVATIONS, KINDS
from models.sweep import PARAMS

RENDER_SIZE = (800, 500)


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="choose a hyperparameter by validation; write sweep.json and sweep.png",
                       description="Train one model per value on the training split, compare validation "
                                   "errors, report the chosen model's test error.")
    p.add_argument("--points", required=True, help="CSV with header x1,x2,label")
    p.add_argument("--param", required=True, choices=list(PARAMS), help="the hyperparameter to sweep")
    p.add_argument("--values", default=None, help="comma-separated values (default: the app's grid for --param)")
    p.add_argument("--split", default="60,20,20", help="train,validation,test percentages summing to 100")
    p.add_argument("--seed", type=int, default=0, help="seed of the split and of w(0)")
    p.add_argument("--steps", type=count, default=500, help="gradient steps per value")
    p.add_argument("--model", choices=KINDS, default="poly", help="architecture for --param l2 / iterations")
    p.add_argument("--degree", type=int, default=3, help="polynomial degree (--model poly)")
    p.add_argument("--hidden", type=int_list, default=(16, 16), help="hidden units per layer (--model mlp)")
    p.add_argument("--activation", choices=ACTIVATIONS, default="tanh")
    p.add_argument("--lr", type=positive_float, default=0.1, help="learning rate α")
    p.add_argument("--l2", type=non_negative_float, default=0.0, help="L2 penalty λ (except when sweeping it)")
    p.add_argument("--init", choices=("random", "zeros"), default="random")
    p.add_argument("--no-standardize", action="store_true", help="train on the raw inputs")
    p.add_argument("--backend", default=None, help="jax, numba, c or pytorch")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.set_defaults(handler=run)


def parse_split(text: str) -> tuple[int, int, int]:
    try:
        parts = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise CliError(f"--split {text!r} is not three whole percentages like 60,20,20") from None
    if len(parts) != 3 or any(v < 0 for v in parts) or sum(parts) != 100:
        raise CliError(f"--split {text!r} must be three percentages ≥ 0 that sum to 100")
    return parts


def run(args) -> int:
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec
    from models.points_csv import read_points_csv
    from models.splits import SplitPlan
    from models.sweep import (SweepData, SweepRequest, check_request, choose, drop_unusable_k, evaluate_on_test,
                              parse_values, run_sweep)

    train, validation, _ = parse_split(args.split)
    values = parse_values(args.param, args.values or PARAMS[args.param].default)
    spec = ModelSpec(kind=args.model, degree=args.degree, hidden=tuple(args.hidden),
                     activation=args.activation).validated()
    backend = resolve_backend(args.backend)
    xy, labels = read_points_csv(args.points)
    if len(labels) == 0:
        raise CliError(f"{args.points}: the file has a header but no points")
    plan = SplitPlan(train, validation, args.seed).validated()
    codes = plan.assign(np.arange(len(labels)))  # the ids a window gives the points of this file
    data = SweepData(xy, labels, codes, not args.no_standardize)
    request = SweepRequest(args.param, values, spec, args.lr, args.l2, args.steps, args.seed, args.init,
                           not args.no_standardize)
    request, dropped = drop_unusable_k(request, data)
    if dropped:
        print(f"descida sweep: note: k = {', '.join(map(str, dropped))} left out (more than the "
              f"{data.counts[0]} training points)", file=sys.stderr)
    check_request(request, data)
    points = list(run_sweep(request, data, backend))
    choice = choose(points, args.param)
    if choice.by_validation is None:
        raise CliError("every value diverged (NaN/inf): try a smaller --lr")
    chosen = points[choice.by_validation]
    score = evaluate_on_test(request, data, chosen, backend) if data.counts[2] else None

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    record = sweep_record(request, data, plan, points, choice, score, backend.name)
    (out / "sweep.json").write_text(json.dumps(record, indent=2))
    render_sweep(request, points, choice, score, out / "sweep.png")
    print(out / "sweep.json")
    return 0


def _number(value: float):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def sweep_record(request, data, plan, points, choice, score, backend_name: str) -> dict:
    """The JSON record: the setting, each value's errors and losses, the choice, and the test score."""
    n_train, n_val, n_test = data.counts
    return {
        "param": request.param,
        "model": request.model_label(),
        "backend": backend_name,
        "split": {"train": plan.train, "validation": plan.validation, "test": plan.test, "seed": plan.seed,
                  "counts": {"train": n_train, "validation": n_val, "test": n_test}},
        "steps": request.steps, "lr": request.lr, "l2": request.l2, "init": request.init,
        "standardize": request.standardize,
        "values": [p.value for p in points],
        "results": [{k: _number(v) for k, v in p.record().items()} for p in points],
        "chosen": points[choice.by_validation].value,
        "best_by_training": points[choice.by_training].value,
        "test": None if score is None else {"value": score.value, "error": _number(score.error),
                                            "loss": _number(score.loss), "n": score.n},
    }


def render_sweep(request, points, choice, score, path: Path) -> None:
    """sweep.png drawn by the app's own sweep plot, offscreen."""
    from app.render import ensure_application, render_png

    ensure_application(headless=True)
    from widgets.sweep_plot import SweepPlot

    info = PARAMS[request.param]
    plot = SweepPlot()
    plot.set_axis(info.title, info.log_axis, request.model_label())
    plot.set_points([p.value for p in points], [p.train_error for p in points], [p.val_error for p in points])
    plot.set_choice(points[choice.by_validation].value, points[choice.by_training].value)
    if score is not None:
        plot.set_test(score.value, score.error)
    render_png(plot, path, RENDER_SIZE)
