"""What the CNN makes of a sketch: the 8×8 image it sees and the probability of each digit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

BAR_COLOR = (120, 150, 200)
WINNER_COLOR = (225, 90, 55)


class DigitPrediction(pg.GraphicsLayoutWidget):
    """The network's 8×8 input next to a bar chart of P(digit | sketch)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.input_box = self.addViewBox(row=0, col=0, lockAspect=True, enableMouse=False, invertY=True)
        self.input_image = pg.ImageItem()
        self.input_box.addItem(self.input_image)
        self.input_box.setMaximumWidth(110)
        self.plot = self.addPlot(row=0, col=1)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setXRange(-0.6, 9.6, padding=0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        self.plot.setLabel("left", "P(digit)")
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7, brush=BAR_COLOR)
        self.plot.addItem(self.bars)
        self.probabilities = np.zeros(10)
        self.plot.setTitle("Draw a digit; train the CNN first", size="10pt", color=(120, 120, 120))

    def set_prediction(self, digit_input: np.ndarray, probabilities: np.ndarray | None) -> None:
        """Show the 8×8 input; with probabilities, the bars and the winning digit."""
        self.input_image.setImage(1 - np.asarray(digit_input, dtype=float), autoLevels=False, levels=(0, 1))
        self.input_box.autoRange(padding=0)
        if probabilities is None:
            self.probabilities = np.zeros(10)
            self.bars.setOpts(height=self.probabilities)
            return
        p = np.asarray(probabilities, dtype=float)
        self.probabilities = p
        winner = int(np.argmax(p))
        brushes = [pg.mkBrush(WINNER_COLOR if i == winner else BAR_COLOR) for i in range(len(p))]
        self.bars.setOpts(height=p, brushes=brushes)
        self.plot.setTitle(f"The CNN reads a <b>{winner}</b> ({p[winner]:.0%})", size="11pt", color=(40, 40, 40))

    def set_message(self, text: str) -> None:
        self.plot.setTitle(text, size="10pt", color=(120, 120, 120))
