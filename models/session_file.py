"""The ``.descida`` container: one zip holding ``session.json`` and ``arrays.npz``, read as untrusted.

Writing is atomic (temp file, fsync, rename). Reading never executes anything and bounds every
size before allocating: the file, each zip member (declared and actual, with the compression
ratio capped against zip bombs), the JSON text and its nesting, and every array's shape from
its ``.npy`` header. Only the two expected member names are accepted, so ``../`` paths and
extra files are refused. What the arrays and JSON *mean* is checked one level up
(``models/session_state.py``).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "descida-session"
VERSION = 1
JSON_NAME = "session.json"
ARRAYS_NAME = "arrays.npz"
MAX_FILE_BYTES = 256 * 2**20
MAX_JSON_BYTES = 4 * 2**20
MAX_MEMBER_BYTES = 256 * 2**20
MAX_COMPRESSION_RATIO = 200
MAX_ARRAYS = 4096
MAX_ARRAY_ELEMENTS = 16 * 2**20
MAX_JSON_DEPTH = 32
ALLOWED_DTYPES = {np.dtype(t) for t in ("float64", "float32", "int64", "int32", "int8", "uint8", "bool")}


class SessionFileError(ValueError):
    """A session file that cannot be used; the message says what is wrong, for the user."""


@dataclass
class SessionContainer:
    """The raw contents: JSON metadata and named arrays."""

    meta: dict = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)


def write_session_file(path: str | Path, container: SessionContainer) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path = Path(path)
    meta = {"format": FORMAT, "version": VERSION, **container.meta}
    arrays = io.BytesIO()
    np.savez(arrays, **{name: np.asarray(value) for name, value in container.arrays.items()})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(JSON_NAME, json.dumps(meta, indent=1, allow_nan=False))
                archive.writestr(ARRAYS_NAME, arrays.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_session_file(path: str | Path) -> SessionContainer:
    """Read and bound-check a session file; raise :class:`SessionFileError` with a clear message."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionFileError(f"the file is {size / 2**20:.0f} MB; a session is at most {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as error:
        raise SessionFileError(f"cannot read the file ({error.strerror or error})") from None
    return parse_session_bytes(data)


def parse_session_bytes(data: bytes) -> SessionContainer:
    if len(data) > MAX_FILE_BYTES:
        raise SessionFileError("the file is too large to be a session")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, NotImplementedError (odd versions), ValueError, OSError…
        raise SessionFileError("this is not a Descida session (not a zip archive, or a truncated one)") from None
    with archive:
        members = _check_members(archive)
        meta = _parse_json(_read_member(archive, members[JSON_NAME], MAX_JSON_BYTES))
        arrays = _parse_npz(_read_member(archive, members[ARRAYS_NAME], MAX_MEMBER_BYTES))
    return SessionContainer(meta, arrays)


def _check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    unexpected = [n for n in names if n not in (JSON_NAME, ARRAYS_NAME)]
    if unexpected:
        shown = ", ".join(repr(n) for n in unexpected[:3])
        raise SessionFileError(f"unexpected entries in the session file: {shown}")
    if sorted(names) != sorted({JSON_NAME, ARRAYS_NAME}):
        missing = {JSON_NAME, ARRAYS_NAME} - set(names)
        problem = f"missing {', '.join(sorted(missing))}" if missing else "duplicate entries"
        raise SessionFileError(f"not a complete Descida session ({problem})")
    return {info.filename: info for info in infos}


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.flag_bits & 0x1:
        raise SessionFileError(f"{info.filename} is encrypted")
    if info.file_size > limit:
        raise SessionFileError(f"{info.filename} declares {info.file_size:,} bytes; the limit is {limit:,}")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise SessionFileError(f"{info.filename} is compressed {info.file_size // info.compress_size}:1 (a zip bomb?)")
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)  # never trust the declared size: read at most the limit
    except Exception as error:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError…
        raise SessionFileError(f"{info.filename} is damaged ({type(error).__name__})") from None
    if len(content) > limit:
        raise SessionFileError(f"{info.filename} is larger than {limit:,} bytes")
    return content


def _parse_json(raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(f"{JSON_NAME} is not UTF-8 text") from None
    if _nesting_depth(text) > MAX_JSON_DEPTH:
        raise SessionFileError(f"{JSON_NAME} is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        meta = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, RecursionError) as error:
        raise SessionFileError(f"{JSON_NAME} is not valid JSON ({error})") from None
    if not isinstance(meta, dict):
        raise SessionFileError(f"{JSON_NAME} must hold an object")
    if meta.get("format") != FORMAT:
        raise SessionFileError("this is not a Descida session (wrong format name)")
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionFileError("the session has no valid version number")
    if version > VERSION:
        raise SessionFileError(f"the session was written by a newer Descida (format {version}; this one reads {VERSION})")
    if version < 1:
        raise SessionFileError(f"unknown session format version {version}")
    return meta


def _reject_constant(name: str):
    raise SessionFileError(f"{JSON_NAME} contains {name}, which is not a number")


def _nesting_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _parse_npz(raw: bytes) -> dict[str, np.ndarray]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except Exception:  # any failure to parse the inner zip means the same thing to the user
        raise SessionFileError(f"{ARRAYS_NAME} is not a valid array archive") from None
    arrays: dict[str, np.ndarray] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ARRAYS:
            raise SessionFileError(f"{ARRAYS_NAME} holds {len(infos)} arrays; the limit is {MAX_ARRAYS}")
        for info in infos:
            name = info.filename
            if not name.endswith(".npy") or "/" in name or "\\" in name or name.startswith("."):
                raise SessionFileError(f"{ARRAYS_NAME} contains an unexpected entry {name!r}")
            content = _read_member(archive, info, MAX_MEMBER_BYTES)
            arrays[name[: -len(".npy")]] = _parse_npy(name, content)
    return arrays


def _parse_npy(name: str, content: bytes) -> np.ndarray:
    stream = io.BytesIO(content)
    try:
        version = np.lib.format.read_magic(stream)
        reader = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        if version not in reader:
            raise SessionFileError(f"array {name} has an unsupported .npy version {version}")
        shape, fortran, dtype = reader[version](stream, max_header_size=10_000)
    except SessionFileError:
        raise
    except Exception as error:  # numpy raises ValueError/SyntaxError for malformed headers
        raise SessionFileError(f"array {name} has a malformed header ({type(error).__name__})") from None
    if dtype not in ALLOWED_DTYPES:
        raise SessionFileError(f"array {name} has dtype {dtype}, which a session never uses")
    elements = 1
    for extent in shape:
        elements *= int(extent)
    if elements > MAX_ARRAY_ELEMENTS:
        raise SessionFileError(f"array {name} declares {elements:,} elements; the limit is {MAX_ARRAY_ELEMENTS:,}")
    stream.seek(0)
    try:
        array = np.load(stream, allow_pickle=False)
    except Exception as error:
        raise SessionFileError(f"array {name} is damaged ({type(error).__name__})") from None
    if array.shape != tuple(shape) or fortran and array.ndim > 1 and not array.flags.f_contiguous:
        raise SessionFileError(f"array {name} does not match its header")
    return np.require(array, requirements="C")  # (np.ascontiguousarray would turn a 0-d array into 1-d)
