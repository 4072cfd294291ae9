"""``descida screenshot``: the whole window after some descent, rendered offscreen (for the README)."""

from __future__ import annotations

from pathlib import Path

from app.cli import CliError, count


def add_parser(sub) -> None:
    p = sub.add_parser("screenshot", help="render the main window offscreen to PNG")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--steps", type=count, default=300, help="gradient steps before the picture")
    p.add_argument("--preset", default="moons", help="preset dataset shown")
    p.add_argument("--model", default="mlp", choices=("logistic", "poly", "mlp"))
    p.add_argument("--backend", default=None)
    p.add_argument("--size", default="1400x860", help="WIDTHxHEIGHT")
    p.set_defaults(handler=run)


def run(args) -> int:
    from app.application import create_window, wait_until_ready
    from app.render import ensure_application, render_png
    from models.backend import resolve_backend
    from models.classifiers import ModelSpec

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {args.size!r} is not WIDTHxHEIGHT") from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ensure_application(headless=True)
    window = create_window(resolve_backend(args.backend))
    session = window.session
    window.playground.model_controls.set_spec(ModelSpec(kind=args.model, hidden=(16, 16)))
    session.spec = window.playground.model_controls.spec()
    session.apply_preset(args.preset)
    window.playground.data_controls.preset.setCurrentIndex(window.playground.data_controls.preset.findData(args.preset))
    render_png(window, out / "playground.png", (width, height))  # lays out before compiling
    session.start()
    if not wait_until_ready(session):
        raise CliError("the model did not compile within the time limit")
    session.set_lr(0.3)
    session.step(args.steps)
    window.playground.landscape.wait_until_drawn()  # the cost landscape compiles in its worker
    path = render_png(window, out / "playground.png", (width, height))
    print(path)
    session.shutdown()
    return 0
