"""Accuracy, loss and a 2×2 confusion matrix for each split."""

from __future__ import annotations

import math

from PyQt5 import QtCore, QtWidgets

from models.metrics import SplitMetrics
from models.points import CLASS_NAMES
from widgets.split_style import SPLIT_COLORS, SPLIT_TITLES

HIDDEN_TEST = "hidden until you\n“Evaluate on test”"


class SplitCard(QtWidgets.QFrame):
    """One split: title, points, accuracy, loss and the confusion matrix (rows: actual, columns: predicted)."""

    def __init__(self, code: int, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        r, g, b = SPLIT_COLORS[code]
        self.title = QtWidgets.QLabel(f"<b style='color: rgb({r},{g},{b})'>{SPLIT_TITLES[code]}</b>")
        self.summary = QtWidgets.QLabel()
        self.summary.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.matrix = QtWidgets.QWidget()
        self.matrix.setToolTip("Confusion matrix: rows are the true class, columns the predicted class;\n"
                               "the diagonal (green) counts correct predictions, the rest (red) mistakes")
        grid = QtWidgets.QGridLayout(self.matrix)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        self.cells = [[QtWidgets.QLabel() for _ in range(2)] for _ in range(2)]
        for i, name in enumerate(CLASS_NAMES):
            grid.addWidget(QtWidgets.QLabel(name), i + 1, 0)
            head = QtWidgets.QLabel(name)
            head.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, 0, i + 1)
            for j in range(2):
                cell = self.cells[i][j]
                cell.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                cell.setMinimumWidth(34)
                tint = "#e3f1e3" if i == j else "#f8e1e1"
                cell.setStyleSheet(f"background: {tint}; border-radius: 3px; padding: 1px 3px;")
                grid.addWidget(cell, i + 1, j + 1)
        self.cover = QtWidgets.QLabel(HIDDEN_TEST)
        self.cover.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.cover.setStyleSheet("color: #777;")
        self.cover.setVisible(False)
        text = QtWidgets.QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.summary)
        text.addStretch(1)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addLayout(text, 1)
        layout.addWidget(self.matrix)
        layout.addWidget(self.cover, 2)

    def show_metrics(self, metrics: SplitMetrics | None) -> None:
        """Show the numbers, or the 'hidden' cover when ``metrics`` is None."""
        hidden = metrics is None
        self.matrix.setVisible(not hidden)
        self.cover.setVisible(hidden)
        if hidden:
            self.summary.setText("")
            return
        accuracy = "—" if math.isnan(metrics.accuracy) else f"{100 * metrics.accuracy:.1f}%"
        loss = "—" if math.isnan(metrics.loss) else f"{metrics.loss:.3f}"
        self.summary.setText(f"accuracy <b>{accuracy}</b><br>{metrics.n} points · loss {loss}")
        for row in range(2):
            for col in range(2):
                self.cells[row][col].setText(str(int(metrics.confusion[row, col])))

    def cell(self, row: int, col: int) -> str:
        return self.cells[row][col].text()


class MetricsPanel(QtWidgets.QWidget):
    """A :class:`SplitCard` per split, one above the other, and a line about early stopping."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cards = [SplitCard(code) for code in range(3)]
        self.note = QtWidgets.QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        axes = QtWidgets.QLabel("Confusion matrices: rows are the true class, columns the predicted one.")
        axes.setStyleSheet("color: #777; font-size: 8pt;")
        content = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(content)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(3)
        for card in self.cards:
            column.addWidget(card)
        column.addWidget(axes)
        column.addWidget(self.note)
        column.addStretch(1)
        scroll = QtWidgets.QScrollArea()  # the pane may be shorter than the cards: scroll, never squeeze
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.setToolTip("Loss: mean cross-entropy of the split (the training loss adds the λ penalty)")

    def show_metrics(self, metrics: list[SplitMetrics], test_revealed: bool) -> None:
        for code, card in enumerate(self.cards):
            card.show_metrics(metrics[code] if code != 2 or test_revealed else None)

    def show_note(self, text: str) -> None:
        self.note.setText(text)
