"""Reusable Qt/pyqtgraph views and editors. They show arrays and emit user intents; they never
build PyTensor graphs."""

import pyqtgraph as pg

# Every image in Descida is indexed [row = y, column = x]; set once, before any item exists.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)
