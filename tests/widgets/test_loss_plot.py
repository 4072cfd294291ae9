"""The loss plot keeps a frame's work bounded however long the descent."""

from __future__ import annotations

import numpy as np


def test_a_long_loss_series_is_drawn_as_a_bounded_envelope_with_every_peak():
    from widgets.loss_plot import MAX_DRAWN_POINTS, envelope

    rng = np.random.default_rng(0)
    y = np.exp(-np.arange(300_001) / 50_000) + 0.01 * rng.normal(size=300_001)
    y[1234] = 5.0  # a spike
    y[200_000:200_100] = np.nan  # a gap (not yet evaluated)
    x, shown = envelope(None, y)
    assert len(shown) <= MAX_DRAWN_POINTS + 1 and np.all(np.isfinite(shown))
    assert shown.max() == 5.0 and shown.min() == np.nanmin(y)
    assert x[0] == 0 and x[-1] == 300_000 and shown[-1] == y[-1]
    assert np.all(np.diff(x) >= 0)
    short_x, short_y = envelope(np.arange(10) * 3.0, np.r_[np.arange(9.0), np.nan])
    np.testing.assert_array_equal(short_x, np.arange(9) * 3.0)
    np.testing.assert_array_equal(short_y, np.arange(9.0))


def test_the_loss_plot_hands_pyqtgraph_at_most_the_envelope(qtbot):
    from widgets.loss_plot import MAX_DRAWN_POINTS, LossPlot

    plot = LossPlot()
    qtbot.addWidget(plot)
    losses = np.linspace(1.0, 0.1, 100_000)
    plot.set_series("train", losses)
    x, y = plot.series_data("train")
    assert len(x) <= MAX_DRAWN_POINTS + 1 and y.max() == 1.0 and y.min() == losses.min() and x[-1] == 99_999
    plot.set_series("validation", losses[::100], iterations=np.arange(0, 100_000, 100))
    vx, vy = plot.series_data("validation")
    np.testing.assert_array_equal(vx, np.arange(0, 100_000, 100))
