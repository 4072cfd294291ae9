"""A node-link diagram of a computation graph in a ``QGraphicsScene``: zoomable, hoverable, exportable.

The view draws what it is handed — boxes with a role, a title and a value line, and the edges
between them — placed top to bottom by :func:`models.graph_layout.layered_layout`. It builds no
PyTensor graphs; hovering a box emits :attr:`GraphView.node_hovered` with the node's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PyQt5 import QtCore, QtGui, QtSvg, QtWidgets

from models.graph_layout import layered_layout

#: The tutorial's colours (fill, border): inputs blue, intermediate yellow, outputs green;
#: shared variables violet with a dashed border (state), constants grey.
ROLE_COLORS: dict[str, tuple[str, str]] = {
    "input": ("#9cc9f0", "#1f5f9e"),
    "intermediate": ("#fbe27a", "#a88a10"),
    "output": ("#9fdf9a", "#2c7a35"),
    "shared": ("#cdb8f5", "#5b3aa8"),
    "constant": ("#e3e3e3", "#8a8a8a"),
}
ROLE_NAMES = {"input": "input (symbolic)", "intermediate": "intermediate", "output": "output",
              "shared": "shared variable (state)", "constant": "constant"}
EDGE_COLOR, EDGE_HIGHLIGHT = QtGui.QColor("#8c8c8c"), QtGui.QColor("#1f5f9e")
MAX_TITLE_WIDTH = 170.0
VALUE_WIDTH = 64.0
ZOOM_RANGE = (0.08, 6.0)
#: A new graph is shown whole when that keeps labels readable, else at this scale from the top.
READABLE_SCALE = 0.6
_ZOOM_KEYS = (QtCore.Qt.Key.Key_Plus, QtCore.Qt.Key.Key_Equal, QtCore.Qt.Key.Key_Minus, QtCore.Qt.Key.Key_0,
              QtCore.Qt.Key.Key_F)


@dataclass(frozen=True)
class DiagramNode:
    """What one box shows: ``title`` (``e = +``, ``a``), a value line, and the hover text."""

    id: int
    title: str
    role: str
    value: str = ""
    tooltip: str = ""


class NodeItem(QtWidgets.QGraphicsItem):
    """One box: a pill for variables (inputs, shared, constants), a rounded rectangle for operations."""

    def __init__(self, node: DiagramNode, view: GraphView) -> None:
        super().__init__()
        self.node, self.view = node, view
        self.value = node.value
        self.hovered = False
        self.title_font = QtGui.QFont(view.font())
        self.title_font.setPointSizeF(11.0)
        self.title_font.setBold(node.role != "constant")
        self.value_font = QtGui.QFont(view.font())
        self.value_font.setPointSizeF(9.5)
        titles = QtGui.QFontMetricsF(self.title_font)
        self.title = titles.elidedText(node.title, QtCore.Qt.TextElideMode.ElideRight, MAX_TITLE_WIDTH)
        has_value = node.role != "constant"
        width = max(titles.horizontalAdvance(self.title), VALUE_WIDTH if has_value else 0.0) + 22.0
        height = 44.0 if has_value else 26.0
        self.size = (max(width, 40.0), height)
        self.setAcceptHoverEvents(True)
        self.setToolTip(node.tooltip)
        self.setZValue(1)

    @property
    def fill_color(self) -> QtGui.QColor:
        return QtGui.QColor(ROLE_COLORS[self.node.role][0])

    @property
    def border_color(self) -> QtGui.QColor:
        return QtGui.QColor(ROLE_COLORS[self.node.role][1])

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 - Qt override
        w, h = self.size
        return QtCore.QRectF(-w / 2 - 2, -h / 2 - 2, w + 4, h + 4)

    def shape_rect(self) -> QtCore.QRectF:
        w, h = self.size
        return QtCore.QRectF(-w / 2, -h / 2, w, h)

    def set_value(self, text: str, tooltip: str) -> None:
        if text != self.value:
            self.value = text
            self.update()
        self.setToolTip(tooltip)

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        rect = self.shape_rect()
        role = self.node.role
        pen = QtGui.QPen(self.border_color, 3.0 if self.hovered else (2.2 if role == "output" else 1.4))
        if role == "shared":
            pen.setStyle(QtCore.Qt.PenStyle.DashLine)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(self.fill_color)
        radius = rect.height() / 2 if role in ("input", "shared", "constant") else 7.0
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(QtGui.QColor("#1a1a1a"))
        painter.setFont(self.title_font)
        if role == "constant":
            painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, self.title)
            return
        top = QtCore.QRectF(rect.left(), rect.top() + 3, rect.width(), rect.height() / 2 - 1)
        painter.drawText(top, QtCore.Qt.AlignmentFlag.AlignCenter, self.title)
        painter.setFont(self.value_font)
        painter.setPen(QtGui.QColor("#303030"))
        bottom = QtCore.QRectF(rect.left() + 6, rect.center().y(), rect.width() - 12, rect.height() / 2 - 3)
        metrics = QtGui.QFontMetricsF(self.value_font)
        shown = metrics.elidedText(self.value, QtCore.Qt.TextElideMode.ElideRight, bottom.width())
        painter.drawText(bottom, QtCore.Qt.AlignmentFlag.AlignCenter, shown)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view._on_item_hovered(self, True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.view._on_item_hovered(self, False)
        super().hoverLeaveEvent(event)


class GraphView(QtWidgets.QGraphicsView):
    """The diagram. Wheel or +/− zooms around the mouse, 0 or F fits, dragging pans.

    Signals
    -------
    node_hovered(int)
        The id of the node under the mouse, or −1 when it leaves every node.
    """

    node_hovered = QtCore.pyqtSignal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QtWidgets.QGraphicsScene(self))
        self.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QtWidgets.QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QtWidgets.QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QtGui.QColor("white"))
        self.setMouseTracking(True)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setToolTip("")
        self.items_by_id: dict[int, NodeItem] = {}
        self.edge_items: dict[tuple[int, int], QtWidgets.QGraphicsPathItem] = {}
        self.hovered_id = -1
        self.placement = None

    # ------------------------------------------------------------------ content
    def show_graph(self, nodes: list[DiagramNode], edges: list[tuple[int, int]], fit: bool = True) -> None:
        """Replace the diagram (a new graph: layout runs again)."""
        scene = self.scene()
        scene.clear()
        self.items_by_id, self.edge_items, self.hovered_id = {}, {}, -1
        for node in nodes:
            self.items_by_id[node.id] = NodeItem(node, self)
        sizes = {i: item.size for i, item in self.items_by_id.items()}
        self.placement = layered_layout(sizes, list(edges))
        for node_id, item in self.items_by_id.items():
            item.setPos(*self.placement.centres[node_id])
            scene.addItem(item)
        for key, points in self.placement.routes.items():
            edge = QtWidgets.QGraphicsPathItem(_edge_path(points))
            edge.setPen(QtGui.QPen(EDGE_COLOR, 1.3))
            edge.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))
            scene.addItem(edge)
            head = QtWidgets.QGraphicsPolygonItem(_arrow_head(points[-2], points[-1]), edge)
            head.setBrush(EDGE_COLOR)
            head.setPen(QtGui.QPen(QtCore.Qt.PenStyle.NoPen))
            self.edge_items[key] = edge
        self._add_legend(sorted({n.role for n in nodes}, key=list(ROLE_COLORS).index))
        bounds = scene.itemsBoundingRect().adjusted(-30, -30, 30, 30)
        scene.setSceneRect(bounds)
        if fit:
            self.fit(min_scale=READABLE_SCALE)

    def _add_legend(self, roles: list[str]) -> None:
        """Colour keys above the graph, so that an exported picture explains itself."""
        x, font = 0.0, QtGui.QFont(self.font())
        font.setPointSizeF(8.5)
        for role in roles:
            fill, border = ROLE_COLORS[role]
            chip = QtWidgets.QGraphicsRectItem(x, -44, 14, 14)
            pen = QtGui.QPen(QtGui.QColor(border), 1.4)
            if role == "shared":
                pen.setStyle(QtCore.Qt.PenStyle.DashLine)
            chip.setPen(pen)
            chip.setBrush(QtGui.QColor(fill))
            text = QtWidgets.QGraphicsSimpleTextItem(ROLE_NAMES[role])
            text.setFont(font)
            text.setBrush(QtGui.QColor("#404040"))
            text.setPos(x + 19, -45)
            for item in (chip, text):
                self.scene().addItem(item)
            x += 19 + text.boundingRect().width() + 16

    def set_values(self, values: dict[int, str], tooltips: dict[int, str]) -> None:
        """New value lines and hover texts for the boxes already shown (no layout, no new items)."""
        for node_id, item in self.items_by_id.items():
            item.set_value(values.get(node_id, ""), tooltips.get(node_id, item.node.tooltip))

    def clear(self) -> None:
        self.scene().clear()
        self.items_by_id, self.edge_items, self.hovered_id = {}, {}, -1

    # ------------------------------------------------------------------ hover
    def _on_item_hovered(self, item: NodeItem, entered: bool) -> None:
        item.hovered = entered
        item.update()
        for (s, t), edge in self.edge_items.items():
            if item.node.id in (s, t):
                color = EDGE_HIGHLIGHT if entered else EDGE_COLOR
                edge.setPen(QtGui.QPen(color, 2.4 if entered else 1.3))
                for child in edge.childItems():
                    child.setBrush(color)
        self.hovered_id = item.node.id if entered else -1
        self.node_hovered.emit(self.hovered_id)

    def node_position(self, node_id: int) -> QtCore.QPoint:
        """Where the node's box is in viewport pixels (for tests and tours)."""
        return self.mapFromScene(self.items_by_id[node_id].scenePos())

    # ------------------------------------------------------------------ zoom
    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(ZOOM_RANGE[0] / current, min(ZOOM_RANGE[1] / current, factor))
        self.scale(factor, factor)

    def zoom_level(self) -> float:
        return self.transform().m11()

    def fit(self, min_scale: float = 0.0) -> None:
        """Show the whole graph, but never magnify a small one beyond 1.6×.

        With ``min_scale`` a large graph is not shrunk below it (so labels stay readable); the
        view then starts at the top, where the inputs are.
        """
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self.fitInView(rect, QtCore.Qt.AspectRatioMode.KeepAspectRatio)
        scale = min(max(self.zoom_level(), min_scale), 1.6)
        if scale != self.zoom_level():
            self.resetTransform()
            self.scale(scale, scale)
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        if visible.height() < rect.height():
            self.centerOn(rect.center().x(), rect.top() + visible.height() / 2)
        else:
            self.centerOn(rect.center())

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802 - Qt override
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15**steps)
        event.accept()

    def event(self, event: QtCore.QEvent) -> bool:
        # the window's one-letter shortcuts (F frames the playground's points) must not steal the
        # view's own zoom keys while it has focus
        if event.type() == QtCore.QEvent.Type.ShortcutOverride and event.key() in _ZOOM_KEYS \
                and not event.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (QtCore.Qt.Key.Key_Plus, QtCore.Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == QtCore.Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif key in (QtCore.Qt.Key.Key_0, QtCore.Qt.Key.Key_F):
            self.fit()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ export
    def export_png(self, path: str | Path, scale: float = 2.0) -> None:
        """The whole diagram (not just the visible part) at ``scale`` pixels per scene unit."""
        rect = self.scene().sceneRect()
        size = QtCore.QSize(max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale)))
        if size.width() * size.height() > 20000 * 20000:
            raise OSError("the diagram is too large to export at this scale")
        image = QtGui.QImage(size, QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtGui.QColor("white"))
        painter = QtGui.QPainter(image)
        painter.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        self.scene().render(painter, QtCore.QRectF(image.rect()), rect)
        painter.end()
        _check_folder(path)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")

    def export_svg(self, path: str | Path, title: str = "Computation graph") -> None:
        rect = self.scene().sceneRect()
        _check_folder(path)
        generator = QtSvg.QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(rect.size().toSize())
        generator.setViewBox(QtCore.QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle(title)
        generator.setDescription("Exported from Descida's Graph tab")
        painter = QtGui.QPainter()
        if not painter.begin(generator):
            raise OSError(f"could not write {path}")
        painter.fillRect(QtCore.QRectF(0, 0, rect.width(), rect.height()), QtGui.QColor("white"))
        self.scene().render(painter, QtCore.QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
        if not Path(path).exists():
            raise OSError(f"could not write {path}")


def _check_folder(path: str | Path) -> None:
    folder = Path(path).parent
    if not folder.exists():
        raise OSError(f"the folder {folder} does not exist")


def _edge_path(points: list[tuple[float, float]]) -> QtGui.QPainterPath:
    """A smooth curve through the route's points, leaving and entering boxes vertically."""
    path = QtGui.QPainterPath(QtCore.QPointF(*points[0]))
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
        dy = (y1 - y0) / 2
        path.cubicTo(QtCore.QPointF(x0, y0 + dy), QtCore.QPointF(x1, y1 - dy), QtCore.QPointF(x1, y1))
    return path


def _arrow_head(before: tuple[float, float], tip: tuple[float, float]) -> QtGui.QPolygonF:
    x, y = tip
    return QtGui.QPolygonF([QtCore.QPointF(x, y), QtCore.QPointF(x - 4.5, y - 8), QtCore.QPointF(x + 4.5, y - 8)])
