"""k-nearest neighbours as a PyTensor graph: the classic hyperparameter k, for every k at once.

Squared distances come from one matrix product, ‖q‖² + ‖r‖² − 2 q·rᵀ; rows that are not
reference points (other splits, padding) are pushed to +∞; ``argsort`` orders the neighbours and
a cumulative sum of their labels gives the salmon votes among the k nearest for every k up to
:data:`MAX_K` in the same call. The prediction is the majority; a tie (even k) goes to the
nearest neighbour's class. Shapes are static (JAX specialises on them), so rows are padded to a
power-of-two capacity as the trainer pads them.

The "loss" of a k-NN vote is the cross-entropy of the smoothed vote share (votes + 1) / (k + 2),
which stays finite when all k neighbours agree.
"""

from __future__ import annotations

import threading

import numpy as np

from models.backend import Backend, as_numpy, compile_function

MAX_K = 64


class KNearest:
    """Compiled k-NN for one (queries, references) row capacity, on one back end."""

    def __init__(self, backend: Backend, queries: int, references: int, splits: int = 3,
                 dtype: str = "float64") -> None:
        import pytensor.tensor as pt

        backend.load()
        if references < MAX_K:
            raise ValueError(f"k-NN needs at least {MAX_K} reference rows (padding included), got {references}")
        self.backend, self.dtype = backend, np.dtype(dtype)
        self._lock = threading.Lock()  # one call at a time: a compiled function's storage is not re-entrant
        self.queries, self.references, self.splits = queries, references, splits
        q = pt.tensor("q", dtype=dtype, shape=(queries, 2))
        yq = pt.tensor("yq", dtype=dtype, shape=(queries,))
        masks = pt.tensor("masks", dtype=dtype, shape=(splits, queries))
        r = pt.tensor("r", dtype=dtype, shape=(references, 2))
        yr = pt.tensor("yr", dtype=dtype, shape=(references,))
        valid = pt.tensor("valid", dtype=dtype, shape=(references,))

        d2 = pt.sum(q**2, axis=1)[:, None] + pt.sum(r**2, axis=1)[None, :] - 2.0 * (q @ r.T)
        d2 = pt.switch(pt.gt(valid[None, :], 0), pt.maximum(d2, 0.0), np.inf)
        nearest = pt.argsort(d2, axis=1)[:, :MAX_K]
        labels = yr[nearest]  # (queries, MAX_K): the neighbours' classes, nearest first
        votes = pt.cumsum(labels, axis=1)
        ks = pt.constant(np.arange(1, MAX_K + 1, dtype=dtype))[None, :]
        first = labels[:, 0][:, None]
        predicted = pt.or_(pt.gt(2.0 * votes, ks), pt.and_(pt.eq(2.0 * votes, ks), pt.eq(first, 1.0)))
        wrong = pt.neq(predicted, pt.eq(yq, 1.0)[:, None]).astype(dtype)
        share = (votes + 1.0) / (ks + 2.0)
        cross_entropy = -(yq[:, None] * pt.log(share) + (1.0 - yq[:, None]) * pt.log1p(-share))
        sizes = pt.maximum(pt.sum(masks, axis=1), 1.0)[:, None]
        errors = (masks @ wrong) / sizes
        losses = (masks @ cross_entropy) / sizes
        self._all_k = compile_function(backend, [q, yq, masks, r, yr, valid],
                                       [errors, losses, predicted.astype("int8"), votes], name="knn")

    def _cast(self, *arrays):
        return [np.asarray(a, dtype=self.dtype) for a in arrays]

    def evaluate(self, q, yq, masks, r, yr, valid):
        """For every k = 1…MAX_K: error rates and losses (splits, K), predictions and votes (queries, K)."""
        with self._lock:
            errors, losses, predicted, votes = self._all_k(*self._cast(q, yq, masks, r, yr, valid))
        return (as_numpy(errors).astype(float), as_numpy(losses).astype(float),
                as_numpy(predicted).astype(np.int64), as_numpy(votes).astype(float))

    def warm(self) -> None:
        q, r = np.zeros((self.queries, 2)), np.zeros((self.references, 2))
        self.evaluate(q, np.zeros(self.queries), np.zeros((self.splits, self.queries)), r,
                      np.zeros(self.references), np.ones(self.references))


class KNearestCache:
    """One :class:`KNearest` per (back end, capacities); safe to fill from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._graphs: dict[tuple, KNearest] = {}

    def get(self, backend: Backend, queries: int, references: int, splits: int = 3) -> KNearest:
        key = (backend.name, queries, references, splits)
        with self._lock:
            graph = self._graphs.get(key)
        if graph is None:
            graph = KNearest(backend, queries, references, splits)
            with self._lock:
                graph = self._graphs.setdefault(key, graph)
        return graph
