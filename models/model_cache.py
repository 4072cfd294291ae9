"""Compiled classifiers kept per (back end, graph family), so switching back to a model is free."""

from __future__ import annotations

import threading

from models.backend import Backend
from models.classifiers import Classifier, ModelSpec
from models.landscape import Landscape


class ClassifierCache:
    """Builds each family's :class:`Classifier` once; safe to fill from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._classifiers: dict[tuple, Classifier] = {}
        self._landscapes: dict[tuple, Landscape] = {}

    def cached(self, spec: ModelSpec, backend: Backend) -> Classifier | None:
        with self._lock:
            return self._classifiers.get((backend.name, spec.family))

    def get(self, spec: ModelSpec, backend: Backend) -> Classifier:
        """The family's classifier (built and graph-compiled on first request), configured to ``spec``."""
        key = (backend.name, spec.family)
        with self._lock:
            classifier = self._classifiers.get(key)
        if classifier is None:
            classifier = Classifier(spec, backend)
            classifier.compile()
            with self._lock:
                classifier = self._classifiers.setdefault(key, classifier)
        if classifier.spec != spec:
            classifier.configure(spec)
        return classifier

    def landscape(self, backend: Backend, dtype: str = "float32") -> Landscape:
        """The back end's cost-landscape functions (compiled per architecture on first use)."""
        with self._lock:
            return self._landscapes.setdefault((backend.name, dtype), Landscape(backend, dtype))

    def __len__(self) -> int:
        with self._lock:
            return len(self._classifiers)
