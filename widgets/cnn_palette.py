"""Colour maps of the Convolution tab: signed values (filters, raw maps) and magnitudes."""

from __future__ import annotations

import pyqtgraph as pg


def diverging_colormap() -> pg.ColorMap:
    """Negative blue, zero white, positive red: filter weights and signed feature maps."""
    return pg.ColorMap([0.0, 0.5, 1.0], [(33, 102, 172), (247, 247, 247), (178, 24, 43)])


def magnitude_colormap() -> pg.ColorMap:
    """Dark to bright for non-negative values (ReLU and pooled maps)."""
    return pg.colormap.get("inferno")
