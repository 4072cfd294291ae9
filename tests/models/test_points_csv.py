from __future__ import annotations

import numpy as np
import pytest

from models.points_csv import PointsFileError, format_points_csv, parse_points_csv, read_points_csv, write_points_csv


def test_numeric_and_named_labels():
    xy, labels = parse_points_csv("x1,x2,label\n1,2,0\n3.5,-4e1,1\n5,6,Salmon\n7,8, trout \n")
    np.testing.assert_array_equal(xy, [[1, 2], [3.5, -40], [5, 6], [7, 8]])
    np.testing.assert_array_equal(labels, [0, 1, 1, 0])


def test_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(0)
    xy, labels = rng.normal(size=(50, 2)) * 1e3, rng.integers(0, 2, 50)
    for names in (False, True):
        path = tmp_path / f"p{names}.csv"
        write_points_csv(path, xy, labels, class_names=names)
        got_xy, got_labels = read_points_csv(path)
        np.testing.assert_array_equal(got_xy, xy)
        np.testing.assert_array_equal(got_labels, labels)


def test_header_only_is_an_empty_set():
    xy, labels = parse_points_csv("x1,x2,label\n")
    assert xy.shape == (0, 2) and labels.shape == (0,)


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("", None, "empty"),
        ("a,b,c\n1,2,0\n", 1, "header"),
        ("x1,x2,label\n1,2,0\n3,4\n", 3, "expected 3 values"),
        ("x1,x2,label\n1,2,0\n1,abc,1\n", 3, "x2 'abc' is not a number"),
        ("x1,x2,label\n1,nan,0\n", 2, "finite"),
        ("x1,x2,label\n1,inf,0\n", 2, "finite"),
        ("x1,x2,label\n1,2,pike\n", 2, "label 'pike'"),
        ("x1,x2,label\n1,2,2\n", 2, "label '2'"),
        ("x1,x2,label\n\n\n1,2,0,5\n", 4, "found 4"),
        ("x1,x2,label\n1,2,\x00\n", None, "NUL"),
    ],
)
def test_malformed_files_name_the_line_and_the_problem(text, line, fragment):
    with pytest.raises(PointsFileError) as caught:
        parse_points_csv(text)
    assert caught.value.line == line
    assert fragment in str(caught.value)
    if line is not None:
        assert f"line {line}" in str(caught.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(PointsFileError, match="cannot read"):
        read_points_csv(tmp_path / "missing.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PointsFileError, match=str(binary)):
        read_points_csv(binary)


def test_format_uses_the_header():
    assert format_points_csv(np.array([[1.0, 2.0]]), np.array([1])).splitlines() == ["x1,x2,label", "1.0,2.0,1"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELLS = st.sampled_from(["1", "-2.5", "1e309", "nan", "inf", "trout", "Salmon", "0", "1", "", " ", "x", "\"", "\"a,b\"",
                          "1,2", "\n", "\r", "\x00", "label", "x1", "ü", "1e-400", "0x10", "--1"])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300),
                 st.lists(st.lists(_CELLS, max_size=5), max_size=12).map(
                     lambda rows: "x1,x2,label\n" + "\n".join(",".join(r) for r in rows))))
def test_any_text_gives_points_or_a_points_file_error(text):
    try:
        xy, labels = parse_points_csv(text)
    except PointsFileError as error:
        assert str(error)
    else:
        assert xy.shape == (len(labels), 2) and np.all(np.isfinite(xy)) and set(labels.tolist()) <= {0, 1}
