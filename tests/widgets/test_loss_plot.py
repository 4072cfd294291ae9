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


def test_nice_ceiling_rounds_up_to_a_few_steps_per_power_of_ten():
    from widgets.loss_plot import nice_ceiling

    cases = {0.69: 0.8, 1.0: 1.0, 1.01: 1.2, 130: 150.0, 200: 200.0, 630: 800.0, 801: 1000.0, 0.0051: 0.006,
             5e-3: 5e-3, 3.2e6: 4e6, 0.0: 1.0, -4.0: 1.0, float("nan"): 1.0, float("inf"): 1.0}
    for value, expected in cases.items():
        assert nice_ceiling(value) == expected, value
        assert not np.isfinite(value) or value <= 0 or nice_ceiling(value) >= value


def test_the_range_steps_a_few_times_per_decade_and_always_shows_every_series(qtbot):
    """The axes are re-laid out only when the rounded extent grows, not at every step."""
    from PyQt5 import QtWidgets

    from widgets.loss_plot import LossPlot

    def painted():
        QtWidgets.QApplication.processEvents()
        plot.viewport().repaint()

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 200)
    plot.show()
    qtbot.waitExposed(plot)
    bottom = plot.plot_item.getAxis("bottom")
    layouts = []
    generate = bottom.generateDrawSpecs
    bottom.generateDrawSpecs = lambda painter: layouts.append(1) or generate(painter)
    losses = 0.7 * np.exp(-np.arange(1000) / 300) + 0.05
    ranges = []
    for n in range(202, 250, 7):  # last iteration 201…244, one band: the range stays [0, 250] × [0, 0.8]
        plot.set_series("train", losses[:n])
        painted()
        ranges.append(plot.plot_item.vb.viewRange())
    assert all(r == ranges[0] for r in ranges)
    (x0, x1), (y0, y1) = ranges[0]
    assert x0 <= 0 and 250 <= x1 < 275 and y0 <= 0 and 0.8 <= y1 < 0.9
    assert len(layouts) <= 1
    plot.set_series("validation", 2.5 * losses[:500:10], iterations=np.arange(0, 500, 10))
    painted()
    (x0, x1), (y0, y1) = plot.plot_item.vb.viewRange()
    assert x1 >= 500 and y1 >= 2.0  # grown to the new extent (490 → 500, 1.87 → 2)
    plot.remove_series("validation")
    painted()
    assert plot.plot_item.vb.viewRange()[0][1] < 275  # and back once that series is gone
