"""Descida's command line: no sub-command starts the window; sub-commands work headless.

Bad arguments or bad input give exit status 2 and one line on stderr, never a traceback.
Each sub-command lives in its own module with ``add_parser(subparsers)`` and a handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: Modules that each add one sub-command.
SUBCOMMAND_MODULES = (
    "app.cli_run", "app.cli_screenshot", "app.cli_warm_cache", "app.cli_sweep", "app.cli_filters", "app.cli_train_cnn",
)


class CliError(Exception):
    """A user error: reported as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: D102 - argparse override: no usage dump, one line
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="descida", description="A playground for learning how neural networks learn.")
    parser.add_argument("--backend", help="PyTensor back end: jax, numba, c or pytorch (default: fastest available)")
    parser.add_argument("--points", help="start the window with the points of this CSV file")
    parser.add_argument("--session", help="start the window with this session file (.descida)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    from models.backend import BackendError
    from models.points_csv import PointsFileError

    return CliError, PointsFileError, BackendError, ValueError, OSError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
    except CliError as error:
        print(f"descida: error: {error}", file=sys.stderr)
        return 2
    if args.command is None:
        from app.application import run_gui

        return run_gui(args)
    try:
        return int(args.handler(args) or 0)
    except _expected_errors() as error:
        print(f"descida {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"descida {args.command}: interrupted", file=sys.stderr)
        return 130


def _one_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return " ".join(text.split())


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive finite number")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number ≥ 0")
    return value


def whole_number(minimum: int):
    """An argparse type for whole numbers ≥ ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} must be ≥ {minimum}")
        return value

    return parse


count = whole_number(0)
positive_int = whole_number(1)


def int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    return values
