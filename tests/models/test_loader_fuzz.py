"""Fuzzing the loaders of untrusted files in the suite (the long runs live in bench/fuzz_loaders.py):
mutated images of every supported format and mutated whole sessions either load or are refused
with the loader's own error — never another exception, never a hang."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_loaders import _image_seed, _session_seed
from models.images import ImageLoadError, load_image_bytes
from models.session_file import SessionFileError, parse_session_bytes
from models.session_state import SessionStateError, parse_state

IMAGE_SEEDS = _image_seed()
SESSION_SEED = _session_seed()


def mutated(data, seed: bytes) -> bytes:
    buffer = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 12))):
        buffer[data.draw(st.integers(0, len(buffer) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        buffer = buffer[: data.draw(st.integers(0, len(buffer)))]
    return bytes(buffer)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_images_load_or_are_refused(data):
    raw = mutated(data, data.draw(st.sampled_from(IMAGE_SEEDS)))
    started = time.perf_counter()
    try:
        image = load_image_bytes(raw, "fuzz.png", max_pixels=2_000_000)
    except ImageLoadError as error:
        assert str(error)
    else:
        assert image.grey.ndim == 2 and image.grey.size <= 2_000_000
    assert time.perf_counter() - started < 5


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_sessions_open_or_are_refused(data):
    raw = mutated(data, SESSION_SEED)
    try:
        parse_state(parse_session_bytes(raw))
    except (SessionFileError, SessionStateError) as error:
        assert str(error)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False)
                           | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


def _leaves(tree, path=()):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(tree, list) and tree:
        for index, value in enumerate(tree):
            yield from _leaves(value, path + (index,))
    else:
        yield path


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_value_anywhere_in_the_json_is_validated(data):
    import copy

    container = parse_session_bytes(SESSION_SEED)
    meta = copy.deepcopy(container.meta)
    paths = [p for p in _leaves(meta) if p and p[0] not in ("format", "version")]
    path = data.draw(st.sampled_from(paths))
    target = meta
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(JSON_VALUES)
    container.meta = meta
    try:
        parse_state(container)
    except SessionStateError as error:
        assert str(error)
