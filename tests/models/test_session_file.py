"""The .descida container read as untrusted input: round trip, and every kind of hostile file."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import session_file as sf
from models.session_file import SessionContainer, SessionFileError, parse_session_bytes, read_session_file, write_session_file


def sample() -> SessionContainer:
    return SessionContainer(
        {"points": {"count": 3}, "note": "é ✓"},
        {"xy": np.arange(6.0).reshape(3, 2), "labels": np.array([0, 1, 1]), "flag": np.array(True)},
    )


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def npz_bytes(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def good_json(**extra) -> bytes:
    return json.dumps({"format": sf.FORMAT, "version": sf.VERSION, **extra}).encode()


def test_round_trip_is_exact_and_atomic(tmp_path):
    path = tmp_path / "lesson.descida"
    write_session_file(path, sample())
    back = read_session_file(path)
    assert back.meta["points"] == {"count": 3} and back.meta["note"] == "é ✓"
    assert set(back.arrays) == {"xy", "labels", "flag"}
    np.testing.assert_array_equal(back.arrays["xy"], sample().arrays["xy"])
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.descida"]  # no temp file left behind


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "not a zip"),
        (b"PK\x03\x04 truncated", "not a zip"),
        (b"x1,x2,label\n1,2,0\n", "not a zip"),
        (zip_bytes({"session.json": good_json()}), "missing arrays.npz"),
        (zip_bytes({"session.json": good_json(), "arrays.npz": npz_bytes(), "../evil.sh": b"rm -rf"}), "unexpected"),
        (zip_bytes({"/etc/passwd": b"x", "session.json": good_json(), "arrays.npz": npz_bytes()}), "unexpected"),
        (zip_bytes({"session.json": b"{not json", "arrays.npz": npz_bytes()}), "not valid JSON"),
        (zip_bytes({"session.json": b"[1, 2]", "arrays.npz": npz_bytes()}), "object"),
        (zip_bytes({"session.json": json.dumps({"format": "other", "version": 1}).encode(),
                    "arrays.npz": npz_bytes()}), "wrong format"),
        (zip_bytes({"session.json": json.dumps({"format": sf.FORMAT, "version": 99}).encode(),
                    "arrays.npz": npz_bytes()}), "newer Descida"),
        (zip_bytes({"session.json": json.dumps({"format": sf.FORMAT}).encode(), "arrays.npz": npz_bytes()}), "version"),
        (zip_bytes({"session.json": b'{"format": "descida-session", "version": 1, "x": NaN}',
                    "arrays.npz": npz_bytes()}), "NaN"),
        (zip_bytes({"session.json": b"[" * 10_000 + b"]" * 10_000, "arrays.npz": npz_bytes()}, zipfile.ZIP_STORED),
         "nested"),
        (zip_bytes({"session.json": b"\xff\xfe", "arrays.npz": npz_bytes()}), "UTF-8"),
        (zip_bytes({"session.json": good_json(), "arrays.npz": b"garbage"}), "not a valid array archive"),
        (zip_bytes({"session.json": good_json(), "arrays.npz": zip_bytes({"../x.npy": b"1"})}), "unexpected entry"),
        (zip_bytes({"session.json": good_json(), "arrays.npz": zip_bytes({"a.npy": b"\x93NUMPY garbage"})}), "npy"),
        (zip_bytes({"session.json": good_json(), "arrays.npz": npz_bytes(o=np.array([{"a": 1}], dtype=object))}),
         "dtype"),
    ],
)
def test_hostile_and_broken_files_are_refused_with_a_reason(data, fragment):
    with pytest.raises(SessionFileError, match=fragment):
        parse_session_bytes(data)


def test_huge_arrays_declared_in_a_header_are_refused_before_allocation():
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)})
    npz = zip_bytes({"big.npy": header.getvalue()})
    with pytest.raises(SessionFileError, match="declares 1,000,000,000,000 elements"):
        parse_session_bytes(zip_bytes({"session.json": good_json(), "arrays.npz": npz}))


def test_truncated_array_data_is_refused():
    full = io.BytesIO()
    np.save(full, np.arange(100.0))
    npz = zip_bytes({"a.npy": full.getvalue()[:-40]})
    with pytest.raises(SessionFileError, match="damaged"):
        parse_session_bytes(zip_bytes({"session.json": good_json(), "arrays.npz": npz}))


def test_zip_bombs_are_refused():
    bomb = b"\0" * (50 * 2**20)  # 50 MB of zeros compresses ~1000:1
    with pytest.raises(SessionFileError, match="zip bomb"):
        parse_session_bytes(zip_bytes({"session.json": good_json(), "arrays.npz": bomb}))


def test_json_declaring_more_than_its_limit(monkeypatch):
    monkeypatch.setattr(sf, "MAX_JSON_BYTES", 100)
    data = zip_bytes({"session.json": good_json(padding="x" * 500), "arrays.npz": npz_bytes()}, zipfile.ZIP_STORED)
    with pytest.raises(SessionFileError, match="limit"):
        parse_session_bytes(data)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_escape_as_anything_but_a_session_error(data):
    try:
        parse_session_bytes(data)
    except SessionFileError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_real_sessions_never_crash_the_reader(data):
    original = bytearray(_real_session_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        index = data.draw(st.integers(0, len(original) - 1))
        original[index] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(original)))
    try:
        parse_session_bytes(bytes(original[:cut]) if data.draw(st.booleans()) else bytes(original))
    except SessionFileError:
        pass


_CACHE: dict[str, bytes] = {}


def _real_session_bytes() -> bytes:
    if "bytes" not in _CACHE:
        out = io.BytesIO()
        meta = {"format": sf.FORMAT, "version": sf.VERSION, "points": {"count": 3}}
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(sf.JSON_NAME, json.dumps(meta))
            archive.writestr(sf.ARRAYS_NAME, npz_bytes(**sample().arrays))
        _CACHE["bytes"] = out.getvalue()
    return _CACHE["bytes"]


def test_zero_dimensional_arrays_keep_their_shape(tmp_path):
    path = tmp_path / "s.descida"
    write_session_file(path, SessionContainer({}, {"t": np.array(3.0), "v": np.zeros((2, 0))}))
    arrays = read_session_file(path).arrays
    assert arrays["t"].shape == () and arrays["v"].shape == (2, 0)
