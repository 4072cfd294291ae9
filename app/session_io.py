"""The window's state as a :class:`~models.session_state.SessionState`, and back.

Capturing reads the session, the split controller, the optimizer controls and the view.
Applying drives the same controls a user would (so every controller hears about the change),
replaces the points without an undo entry, and hands the exact descent to the session, which
puts it back as soon as the model is compiled.
"""

from __future__ import annotations

from dataclasses import replace

from PyQt5 import QtCore

from app.split_controller import HeldOutUse
from models.descent_history import TrainerSnapshot
from models.session_state import SessionState


def capture_state(window) -> SessionState:
    """The state of ``window`` now; while a compile runs, the descent from before it started."""
    session, tab = window.session, window.playground
    split = tab.generalization.split
    descent = getattr(window, "_last_descent", None)
    if session.ready and not session.restoring and session.trainer.spec == session.spec:
        descent = TrainerSnapshot.take(session.trainer)
        window._last_descent = descent
    elif session.restoring:
        descent = session._pending_descent[1]
    rect = tab.canvas.visible_rect()
    return SessionState(
        points=session.points.snapshot(), spec=session.spec, config=replace(session.config,
        hyperparameters=dict(session.config.hyperparameters)), steps_per_frame=session.steps_per_frame,
        preset=session.preset_name, preset_seed=session.preset_seed, axis_names=tuple(session.axis_names),
        race=tuple(session.race_optimizers), hyperparameters=tab.optimizer_controls.all_hyperparameters(),
        descent=descent if descent is not None and descent.optimizer == session.config.optimizer else None,
        split_enabled=split.enabled, split_plan=split.plan,
        test_uses=tuple((use.description, use.plan) for use in split.test_uses),
        view_rect=(rect.x(), rect.y(), rect.width(), rect.height()), tab=window.tabs.currentIndex(),
    )


def apply_state(window, state: SessionState) -> None:
    """Make ``window`` show ``state``; the descent follows once its model is compiled."""
    session, tab = window.session, window.playground
    session.pause()
    session.restore_points(state.points, state.preset, state.preset_seed, state.axis_names)
    session.config.init = state.config.init
    tab.model_controls.set_spec(state.spec)  # shows without emitting
    session.set_spec(state.spec)
    tab.model_controls.l2.set_value(state.config.l2)
    session.set_l2(state.config.l2)
    tc = tab.training_controls
    tc.lr.set_value(state.config.lr)
    session.set_lr(state.config.lr)
    for box, value in ((tc.steps_per_frame, state.steps_per_frame), (tc.seed, state.config.seed)):
        box.setValue(value)  # emits: the session hears it
    session.set_steps_per_frame(state.steps_per_frame)
    session.set_seed(state.config.seed)
    if tc.standardize.isChecked() != state.config.standardize:
        tc.standardize.setChecked(state.config.standardize)
    _apply_optimizers(tab.optimizer_controls, session, state)
    _apply_split(tab.generalization, state)
    window.tabs.setCurrentIndex(min(state.tab, window.tabs.count() - 1))
    if state.view_rect is not None:
        x, y, w, h = state.view_rect
        tab.canvas.plot_item.getViewBox().setRange(QtCore.QRectF(x, y, w, h), padding=0)
    session.restore_descent(state.spec, state.descent)
    session.undo_stack.clear()


def _apply_optimizers(controls, session, state: SessionState) -> None:
    for name, values in {**state.hyperparameters, state.config.optimizer: state.config.hyperparameters}.items():
        for key, value in values.items():
            spin = controls.fields.get(name, {}).get(key)
            if spin is not None:
                blocked = spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(blocked)
    index = controls.combo.findData(state.config.optimizer)
    if controls.combo.currentIndex() != index:
        controls.combo.setCurrentIndex(index)  # emits optimizer_changed with the fields' values
    session.set_optimizer(state.config.optimizer, dict(state.config.hyperparameters))
    controls.batch.setValue(state.config.batch_size)
    session.set_batch_size(state.config.batch_size)
    controls.set_racing(list(state.race))


def _apply_split(panel, state: SessionState) -> None:
    split = panel.split
    split.test_uses = [HeldOutUse(plan, text) for text, plan in state.test_uses]
    split.set_plan(state.split_plan)
    if panel.split_controls.enabled.isChecked() != state.split_enabled:
        panel.split_controls.enabled.setChecked(state.split_enabled)  # the panel shows or hides its pane
    split.test_record_changed.emit()
