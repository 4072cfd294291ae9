"""Which PyTensor mode computes Descida's numbers, and how functions are compiled with it.

One setting, chosen by measurement (see ``bench/`` and README): the JAX linker compiles a
playground function in under a second and runs the MLP step and boundary grid fastest on
this class of machine; NUMBA and the C linker (``CVM``) are selectable fallbacks.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Back-end names as the user types them, mapped to PyTensor's predefined mode names.
MODE_NAMES: dict[str, str] = {
    "jax": "JAX",
    "numba": "NUMBA",
    "c": "CVM",
    "pytorch": "PYTORCH",
}

#: Preference order when the user does not choose (fastest measured first).
PREFERENCE: tuple[str, ...] = ("jax", "numba", "c")

ENV_VARIABLE = "DESCIDA_BACKEND"
CACHE_ENV_VARIABLE = "DESCIDA_CACHE_DIR"
_jax_cache_configured = False


class BackendError(ValueError):
    """A back end that does not exist or cannot run on this machine."""


@dataclass(frozen=True)
class Backend:
    """A compute back end: the user-facing name and the PyTensor mode it selects."""

    name: str

    @property
    def mode_name(self) -> str:
        return MODE_NAMES[self.name]

    @property
    def label(self) -> str:
        """How the status bar names it: mode and device (the device once :meth:`load` ran)."""
        device = _DEVICES.get(self.name)
        return f"PyTensor {self.mode_name}" + (f" on {device}" if device else "")

    def load(self) -> str:
        """Import PyTensor and the back end's run-time and return where it computes.

        Takes ~1 s the first time (PyTensor 0.4 s, JAX 0.5–1 s): call it from a worker.
        """
        if self.name not in _DEVICES:
            import pytensor  # noqa: F401 - the import is the point

            if self.name == "numba":
                import numba  # noqa: F401
            _DEVICES[self.name] = _jax_device() if self.name == "jax" else "CPU"
        return _DEVICES[self.name]

    def mode(self):
        """The PyTensor ``Mode`` object (imported lazily: importing pytensor costs ~0.4 s)."""
        from pytensor.compile.mode import get_mode

        if self.name == "jax":
            enable_jax_compilation_cache()
        return get_mode(self.mode_name)


_DEVICES: dict[str, str] = {}


def _jax_device() -> str:
    try:
        import jax

        return jax.default_backend().upper()
    except Exception:  # a broken jax install shows up when compiling, with a message
        return "CPU"


def cache_dir() -> Path:
    """Where Descida keeps compiled code between runs: ``$DESCIDA_CACHE_DIR``, else the XDG cache."""
    explicit = os.environ.get(CACHE_ENV_VARIABLE)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "descida"


def enable_jax_compilation_cache() -> None:
    """Keep XLA executables on disk, so a second launch skips most of JAX's compile time
    (measured: first calls of the MLP functions 0.56 s → 0.18 s). Failing to create the folder
    (a read-only home) only costs speed."""
    global _jax_cache_configured
    if _jax_cache_configured:
        return
    _jax_cache_configured = True
    try:
        import jax

        folder = cache_dir() / "jax"
        folder.mkdir(parents=True, exist_ok=True)
        jax.config.update("jax_compilation_cache_dir", str(folder))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    except (OSError, AttributeError, ValueError):
        pass


def is_available(name: str) -> bool:
    """Whether the back end's run-time is installed (does not compile anything)."""
    if name == "jax":
        return importlib.util.find_spec("jax") is not None
    if name == "numba":
        return importlib.util.find_spec("numba") is not None
    if name == "c":
        return shutil.which("g++") is not None or shutil.which("c++") is not None
    if name == "pytorch":
        return importlib.util.find_spec("torch") is not None
    return False


def available_backends() -> list[str]:
    """Names of the back ends whose run-time is present here, in preference order."""
    ordered = list(PREFERENCE) + [n for n in MODE_NAMES if n not in PREFERENCE]
    return [name for name in ordered if is_available(name)]


def resolve_backend(name: str | None = None) -> Backend:
    """The back end to use: ``name``, else ``$DESCIDA_BACKEND``, else the fastest available.

    Raises
    ------
    BackendError
        For an unknown name or one whose run-time is not installed.
    """
    requested = name or os.environ.get(ENV_VARIABLE) or ""
    requested = requested.strip().lower()
    if not requested:
        for candidate in PREFERENCE:
            if is_available(candidate):
                return Backend(candidate)
        raise BackendError("no PyTensor back end is available (install jax or numba)")
    if requested not in MODE_NAMES:
        known = ", ".join(MODE_NAMES)
        raise BackendError(f"unknown back end {requested!r}; choose one of: {known}")
    if not is_available(requested):
        raise BackendError(f"back end {requested!r} is not installed on this machine")
    return Backend(requested)


def compile_function(
    backend: Backend,
    inputs: Sequence,
    outputs,
    updates=None,
    name: str | None = None,
    mode=None,
):
    """``pytensor.function`` in the back end's mode (or ``mode``, e.g. that mode with some rewrites
    excluded), tolerant of inputs a graph does not use."""
    import pytensor

    return pytensor.function(
        list(inputs),
        outputs,
        updates=updates,
        mode=mode if mode is not None else backend.mode(),
        on_unused_input="ignore",
        name=name,
    )


def as_numpy(value) -> np.ndarray:
    """A NumPy array from whatever a compiled function returned (JAX gives device arrays)."""
    return np.asarray(value)
