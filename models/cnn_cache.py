"""Compiled CNNs and feature mappers kept per process, so a second window, a test or a CLI run in
the same process reuses what is already compiled (compiling and warming costs ~3 s under JAX)."""

from __future__ import annotations

import threading

from models.backend import Backend
from models.cnn import CNNSpec, DigitsCNN
from models.feature_maps import FeatureMapper

_LOCK = threading.Lock()
_CNNS: dict[tuple, DigitsCNN] = {}
_MAPPERS: dict[tuple, FeatureMapper] = {}


def shared_cnn(spec: CNNSpec, backend: Backend, purpose: str = "main", compile: bool = True,
               progress=None) -> DigitsCNN:
    """The process's CNN for (``purpose``, architecture, back end), compiled and warmed on first request.

    Different purposes ("main", "transfer") get separate parameters, so a transfer-learning run
    never overwrites the network the user trained.
    """
    key = (purpose, spec, backend.name)
    with _LOCK:
        model = _CNNS.get(key)
        if model is None:
            model = _CNNS[key] = DigitsCNN(spec, backend)
    if compile:
        with model.lock:
            if not model.is_compiled:
                model.compile(progress)
    return model


def shared_mapper(backend: Backend, dtype: str = "float32") -> FeatureMapper:
    key = (backend.name, dtype)
    with _LOCK:
        mapper = _MAPPERS.get(key)
        if mapper is None:
            mapper = _MAPPERS[key] = FeatureMapper(backend, dtype)
        return mapper


def cnn_backend(backend: Backend) -> Backend:
    """The back end for the CNN and the maps: the app's, except PYTORCH (its dispatch fails on these
    graphs, see MEASURED.md), which falls back to the fastest available (JAX: bench/README.md)."""
    if backend.name != "pytorch":
        return backend
    from models.backend import PREFERENCE, is_available

    return next((Backend(name) for name in PREFERENCE if is_available(name)), backend)
