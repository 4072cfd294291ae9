"""Points as CSV: ``x1,x2,label`` with labels 0/1 or the class names.

Parsing is strict and names the line of the first problem, because a teacher's hand-edited
file is the most common bad input the app will see.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from models.points import CLASS_NAMES

HEADER = ("x1", "x2", "label")
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_POINTS = 1_000_000


class PointsFileError(ValueError):
    """A CSV that cannot be read as points. ``line`` is 1-based, or None for the whole file."""

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        self.message = message
        self.line = line
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        at = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{at}{self.message}"


def _parse_label(text: str, line: int) -> int:
    token = text.strip().lower()
    if token in ("0", "1", "0.0", "1.0"):
        return int(float(token))
    for index, name in enumerate(CLASS_NAMES):
        if token == name:
            return index
    names = " or ".join(f"'{n}'" for n in CLASS_NAMES)
    raise PointsFileError(f"label {text.strip()!r} is not 0, 1, {names}", line)


def _parse_number(text: str, column: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PointsFileError(f"{column} {text.strip()!r} is not a number", line) from None
    if not math.isfinite(value):
        raise PointsFileError(f"{column} is {text.strip()}, but coordinates must be finite", line)
    return value


def parse_points_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse CSV text into points (N, 2) and labels (N,); raise :class:`PointsFileError`."""
    if "\x00" in text:
        raise PointsFileError("this is not a text file (it contains NUL bytes)")
    rows = csv.reader(io.StringIO(text))
    xy: list[tuple[float, float]] = []
    labels: list[int] = []
    header_seen = False
    try:
        for row in rows:
            line = rows.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if not header_seen:
                names = tuple(cell.strip().lower().lstrip("\ufeff") for cell in row)
                if names != HEADER:
                    raise PointsFileError(
                        f"the header must be '{','.join(HEADER)}', found '{','.join(row)}'", line
                    )
                header_seen = True
                continue
            if len(row) != 3:
                raise PointsFileError(f"expected 3 values (x1,x2,label), found {len(row)}", line)
            if len(labels) >= MAX_POINTS:
                raise PointsFileError(f"more than {MAX_POINTS:,} points", line)
            xy.append((_parse_number(row[0], "x1", line), _parse_number(row[1], "x2", line)))
            labels.append(_parse_label(row[2], line))
    except csv.Error as error:
        raise PointsFileError(f"malformed CSV ({error})", rows.line_num) from None
    if not header_seen:
        raise PointsFileError("the file is empty; expected the header 'x1,x2,label'")
    return np.array(xy, dtype=float).reshape(-1, 2), np.array(labels, dtype=np.int64)


def read_points_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read and parse a points file, with the path in any error message."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PointsFileError(f"the file is {size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as error:
        raise PointsFileError(f"cannot read the file ({error.strerror or error})", path=str(path)) from None
    except PointsFileError as error:
        error.path = str(path)
        raise
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PointsFileError(f"not UTF-8 text (byte {error.start})", path=str(path)) from None
    try:
        return parse_points_csv(text)
    except PointsFileError as error:
        error.path = str(path)
        raise


def format_points_csv(xy: np.ndarray, labels: np.ndarray, class_names: bool = False) -> str:
    """CSV text with the ``x1,x2,label`` header; ``repr`` floats so a round trip is exact."""
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    for (x1, x2), label in zip(np.asarray(xy, dtype=float), np.asarray(labels)):
        shown = CLASS_NAMES[int(label)] if class_names else str(int(label))
        out.write(f"{float(x1)!r},{float(x2)!r},{shown}\n")
    return out.getvalue()


def write_points_csv(path: str | Path, xy: np.ndarray, labels: np.ndarray, class_names: bool = False) -> None:
    """Write atomically: a temp file beside the target, then rename, so a crash never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(format_points_csv(xy, labels, class_names), encoding="utf-8")
    tmp.replace(path)
