"""``descida train-cnn``: train the digits CNN headless; writes DIR/cnn.npz and DIR/metrics.json."""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.cli import positive_float, positive_int


def add_parser(sub) -> None:
    from models.cnn import CNNSpec
    from models.cnn_training import TrainConfig

    p = sub.add_parser("train-cnn", help="train the digits CNN headless: cnn.npz and metrics.json",
                       description="conv 3×3 → ReLU → max-pool → [conv 3×3 → ReLU → max-pool] → dense → softmax "
                                   "on scikit-learn's 8×8 digits (fixed 75/25 split), mini-batch Adam.")
    p.add_argument("--epochs", type=positive_int, default=TrainConfig().epochs)
    p.add_argument("--lr", type=positive_float, default=TrainConfig().lr, help="Adam's initial learning rate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--filters", type=positive_int, default=CNNSpec().channels1, help="filters in layer 1 (8–16)")
    p.add_argument("--filters2", type=int, default=CNNSpec().channels2, help="filters in layer 2 (0: no second layer)")
    p.add_argument("--backend", default=None, help="jax, numba or c")
    p.add_argument("--quiet", action="store_true", help="no line per epoch")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.set_defaults(handler=run)


def run(args) -> int:
    from models.backend import resolve_backend
    from models.cnn import CNNSpec
    from models.cnn_cache import cnn_backend, shared_cnn
    from models.cnn_training import TrainConfig, load_digits_data, save_weights, train

    spec = CNNSpec(args.filters, args.filters2).validated()
    backend = cnn_backend(resolve_backend(args.backend))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    model = shared_cnn(spec, backend, "main")
    compile_s = time.perf_counter() - started
    model.reset(args.seed)
    data = load_digits_data()
    config = TrainConfig(epochs=args.epochs, lr=args.lr, seed=args.seed, reports_per_epoch=1)
    last = None
    for report in train(model, data.x_train, data.y_train, config, data.x_test, data.y_test):
        last = report
        if not args.quiet:
            print(f"epoch {report.epoch:.0f}/{config.epochs}  loss {report.loss:.4f}  "
                  f"test accuracy {report.test_accuracy:.2%}", flush=True)
    save_weights(out / "cnn.npz", model)
    metrics = {
        "test_accuracy": float(last.test_accuracy),
        "loss": [float(v) for v in last.losses],
        "test_accuracy_per_epoch": [float(v) for v in last.accuracies],
        "epochs": config.epochs,
        "lr": config.lr,
        "seed": config.seed,
        "architecture": spec.label(),
        "filters": [spec.channels1, spec.channels2],
        "train_size": int(len(data.y_train)),
        "test_size": int(len(data.y_test)),
        "backend": backend.name,
        "train_seconds": float(last.seconds),
        "compile_seconds": float(compile_s),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(f"test accuracy {last.test_accuracy:.2%} after {config.epochs} epochs ({last.seconds:.1f} s); "
          f"wrote {out / 'cnn.npz'} and {out / 'metrics.json'}")
    return 0
