"""The expression editor: program text, the values of its inputs, its outputs, and its errors.

It shows what it is given and emits what the user asks for; parsing and evaluation live in the
controller (``app/graph_tab.py``) and the models.
"""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets

ERROR_STYLE = "color: #b00020;"
DEBOUNCE_MS = 700


class CodeEdit(QtWidgets.QPlainTextEdit):
    """A plain-text editor in a fixed-width font; Ctrl+Enter asks to evaluate.

    Signals
    -------
    run_requested()
    """

    run_requested = QtCore.pyqtSignal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.setFont(font)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QtWidgets.QPlainTextEdit.LineWrapMode.NoWrap)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 - Qt override
        enter = event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
        if enter and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:
            self.run_requested.emit()
            return
        super().keyPressEvent(event)


class ExpressionEditor(QtWidgets.QWidget):
    """Program text, input values and results.

    Signals
    -------
    evaluate_requested(str)
        The program text, on Ctrl+Enter, the Evaluate button, or a pause in typing.
    value_edited(str, str)
        An input's name and the text typed as its value (on Enter or leaving the field).
    """

    evaluate_requested = QtCore.pyqtSignal(str)
    value_edited = QtCore.pyqtSignal(str, str)

    def __init__(self, help_text: str = "", parent=None) -> None:
        super().__init__(parent)
        self.editor = CodeEdit()
        self.editor.setToolTip(help_text)
        self.editor.setPlaceholderText("a = scalar(); b = scalar()\ne = a*b")
        self.editor.setMinimumHeight(110)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.evaluate_button = QtWidgets.QPushButton("Evaluate")
        self.evaluate_button.setToolTip("Build, compile and evaluate the program (Ctrl+Enter)")
        help_label = QtWidgets.QLabel(help_text)
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #666; font-size: 8pt;")
        self.inputs_box = QtWidgets.QGroupBox("Input values (given at call time)")
        self.inputs_form = QtWidgets.QFormLayout(self.inputs_box)
        self.inputs_form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QtWidgets.QLineEdit] = {}
        self._field_kinds: list[tuple[str, str]] = []
        self.outputs_box = QtWidgets.QGroupBox("Outputs")
        self.outputs_label = QtWidgets.QLabel("—")
        self.outputs_label.setWordWrap(True)
        self.outputs_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        QtWidgets.QVBoxLayout(self.outputs_box).addWidget(self.outputs_label)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QtWidgets.QLabel("<b>Program</b>"))
        layout.addWidget(self.editor, 2)
        layout.addWidget(self.error_label)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.evaluate_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(help_label)
        layout.addWidget(self.inputs_box)
        layout.addWidget(self.outputs_box)
        layout.addStretch(1)

        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._request)
        self.editor.textChanged.connect(self._debounce.start)
        self.editor.run_requested.connect(self._request)
        self.evaluate_button.clicked.connect(self._request)

    # ------------------------------------------------------------------ program text
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self._debounce.stop()

    def _request(self) -> None:
        self._debounce.stop()
        self.evaluate_requested.emit(self.text())

    def show_error(self, message: str, offset: int = -1, length: int = 1) -> None:
        """The message under the editor, and a red underline at ``offset`` in the text."""
        self.error_label.setText(message)
        self.error_label.show()
        selections = []
        if offset >= 0:
            selection = QtWidgets.QTextEdit.ExtraSelection()
            cursor = QtGui.QTextCursor(self.editor.document())
            end = min(offset + max(length, 1), len(self.text()))
            cursor.setPosition(min(offset, max(end - 1, 0)))
            cursor.setPosition(end, QtGui.QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format.setUnderlineStyle(QtGui.QTextCharFormat.UnderlineStyle.WaveUnderline)
            selection.format.setUnderlineColor(QtGui.QColor("#d0021b"))
            selection.format.setBackground(QtGui.QColor("#fde2e4"))
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        self.editor.setExtraSelections([])

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # ------------------------------------------------------------------ inputs
    def set_inputs(self, inputs: list[tuple[str, str, str]]) -> None:
        """Fields for ``(name, kind, value text)``: rebuilt when the names or kinds change, else refilled."""
        kinds = [(name, kind) for name, kind, _ in inputs]
        if kinds == self._field_kinds:
            for name, _, text in inputs:
                self.fields[name].setText(text)
                self.show_value_error(name, "")
            return
        while self.inputs_form.rowCount():
            self.inputs_form.removeRow(0)
        self.fields = {}
        for name, kind, text in inputs:
            field = QtWidgets.QLineEdit(text)
            field.setProperty("help", f"The value of {name} ({kind}): a number, or a list like [1, 2, 3]; press Enter")
            field.setToolTip(field.property("help"))
            field.setObjectName(f"value_{name}")
            field.editingFinished.connect(lambda n=name, f=field: self._on_value_edited(n, f))
            self.fields[name] = field
            self.inputs_form.addRow(f"{name}  ({kind})", field)
        self._field_kinds = kinds
        self.inputs_box.setVisible(bool(inputs))

    def _on_value_edited(self, name: str, field: QtWidgets.QLineEdit) -> None:
        if field.isModified() or field.property("invalid"):
            field.setModified(False)
            self.value_edited.emit(name, field.text())

    def values(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.fields.items()}

    def set_value_text(self, name: str, text: str) -> None:
        if name in self.fields:
            self.fields[name].setText(text)

    def show_value_error(self, name: str, message: str) -> None:
        """Mark the field red with the message as its tooltip ('' clears the mark)."""
        field = self.fields.get(name)
        if field is None:
            return
        field.setProperty("invalid", bool(message))
        field.setStyleSheet("border: 1px solid #d0021b; background: #fde2e4;" if message else "")
        field.setToolTip(message or field.property("help") or "")

    # ------------------------------------------------------------------ outputs
    def show_outputs(self, html: str) -> None:
        self.outputs_label.setText(html)
