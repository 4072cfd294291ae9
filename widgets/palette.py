"""Colours shared by every view, so a class looks the same on the canvas, the heatmap and the legend."""

from __future__ import annotations

import pyqtgraph as pg

#: Class 0 (trout) and class 1 (salmon): saturated, for points and curves.
CLASS_COLORS: tuple[tuple[int, int, int], tuple[int, int, int]] = ((35, 105, 195), (225, 90, 55))
#: The heatmap's ends and middle: light tints, so that points stay readable on top.
_HEAT_STOPS = [(0.0, (150, 190, 240)), (0.5, (247, 247, 247)), (1.0, (245, 170, 145))]
#: Curve colours for series that are not classes (train, validation, test, optimizers…).
SERIES_COLORS: tuple[tuple[int, int, int], ...] = (
    (30, 30, 30), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14), (23, 190, 207),
    (140, 86, 75), (227, 119, 194),
)


def probability_colormap() -> pg.ColorMap:
    """Blue (class 0) through white (undecided) to salmon (class 1)."""
    positions = [p for p, _ in _HEAT_STOPS]
    colors = [c for _, c in _HEAT_STOPS]
    return pg.ColorMap(positions, colors)

#: Each optimizer's colour in a race (paths, legend and loss curves); the descent shown is drawn in
#: SERIES_COLORS[0] like its "train" loss curve. Red and green stay free for validation and test.
OPTIMIZER_COLORS: dict[str, tuple[int, int, int]] = {
    "sgd": (31, 119, 180), "momentum": (148, 103, 189), "nesterov": (255, 127, 14),
    "adagrad": (23, 190, 207), "rmsprop": (140, 86, 75), "adam": (227, 119, 194),
}
