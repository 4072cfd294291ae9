from __future__ import annotations

import pytest

from models.backend import BackendError, available_backends, resolve_backend


def test_default_is_the_first_available_in_preference_order(monkeypatch):
    monkeypatch.delenv("DESCIDA_BACKEND", raising=False)
    assert resolve_backend().name == available_backends()[0]


def test_environment_and_argument_choose(monkeypatch):
    monkeypatch.setenv("DESCIDA_BACKEND", "numba")
    assert resolve_backend().name == "numba"
    assert resolve_backend("JAX").name == "jax"
    assert resolve_backend("numba").mode_name == "NUMBA"


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(BackendError, match="unknown back end 'cuda'"):
        resolve_backend("cuda")


def test_label_names_the_mode():
    assert "NUMBA" in resolve_backend("numba").label
