"""Keyframe curves evaluate frame by frame as libopenshot evaluates them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.renderer.keyframes import (
    Interpolation,
    Point,
    change_frames,
    curve_changes,
    curve_from_json,
    keyframe_value_at,
)


def point(x, y, interpolation=None, **extra):
    raw = {"co": {"X": x, "Y": y}, **extra}
    if interpolation is not None:
        raw["interpolation"] = interpolation
    return raw


def curve(*points, default=0.0):
    return curve_from_json({"Points": list(points)}, default)


EASE = curve(point(1, 0, 0), point(31, 100, 0))  # Bézier with the default handles


def test_bare_number_is_a_constant_curve():
    flat = curve_from_json(0.5, default=1.0)
    assert [keyframe_value_at(flat, frame) for frame in (-10, 1, 2, 1000)] == [0.5] * 4


def test_none_and_empty_points_mean_the_default():
    assert keyframe_value_at(curve_from_json(None, 1.0), 7) == 1.0
    assert keyframe_value_at(curve_from_json({"Points": []}, 0.25), 7) == 0.25


def test_numeric_text_is_read_as_a_number():
    assert keyframe_value_at(curve_from_json("0.75", 1.0), 3) == 0.75


def test_value_holds_before_the_first_point_and_after_the_last():
    ramp = curve(point(10, 2, 1), point(20, 4, 1))
    assert keyframe_value_at(ramp, 1) == 2
    assert keyframe_value_at(ramp, 9.5) == 2
    assert keyframe_value_at(ramp, 21) == 4
    assert keyframe_value_at(ramp, 10_000) == 4


def test_linear_interpolation_is_a_straight_line():
    ramp = curve(point(1, 0, 1), point(11, 1, 1))
    assert [keyframe_value_at(ramp, frame) for frame in (1, 2, 6, 11)] == [0.0, pytest.approx(0.1), 0.5, 1.0]


def test_constant_interpolation_holds_the_left_value_until_the_right_point():
    steps = curve(point(1, 0, 2), point(10, 5, 2), point(20, 9, 2))
    assert [keyframe_value_at(steps, frame) for frame in (1, 9, 10, 19, 20)] == [0, 0, 5, 5, 9]


def test_the_right_points_interpolation_decides_each_segment():
    mixed = curve(point(1, 0, 2), point(11, 10, 1), point(21, 0, 2))
    assert keyframe_value_at(mixed, 6) == 5.0  # linear into the second point
    assert keyframe_value_at(mixed, 16) == 10  # held into the third


def test_bezier_with_default_handles_matches_libopenshot_golden_values():
    golden = {1: 0.0, 2: 0.1555826747789979, 5: 2.6747584342956543, 8: 9.050704538822174, 16: 50.0,
              24: 90.94929546117783, 30: 99.844417325221, 31: 100.0}
    assert {frame: keyframe_value_at(EASE, frame) for frame in golden} == golden


def test_bezier_with_custom_handles_matches_libopenshot_golden_values():
    custom = curve(
        point(1, 0, 0, handle_right={"X": 0.25, "Y": 0.5}),
        point(31, 100, 0, handle_left={"X": 0.9, "Y": 0.9}),
    )
    golden = {5: 21.402668822556734, 16: 60.16393765807152, 25: 84.4037111592479}
    assert {frame: keyframe_value_at(custom, frame) for frame in golden} == golden


def test_missing_interpolation_and_handles_take_libopenshot_defaults():
    parsed = curve(point(1, 0), point(31, 100, handle_left={"X": 0.5}))
    assert parsed.points[1] == Point(31.0, 100.0, Interpolation.BEZIER, (0.5, 1.0), (0.5, 0.0), 0)
    assert keyframe_value_at(parsed, 8) == keyframe_value_at(EASE, 8)


def test_points_are_sorted_and_a_later_duplicate_wins():
    parsed = curve(point(20, 4, 1), point(1, 0, 1), point(20, 8, 1))
    assert [(p.x, p.y) for p in parsed.points] == [(1.0, 0.0), (20.0, 8.0)]


@pytest.mark.parametrize("garbage, complaint", [
    ("loud", "text"),
    ([1, 2], "list"),
    ({"points": []}, '"Points"'),
    ({"Points": "many"}, "list of points"),
    ({"Points": [{"co": {"X": 1}}]}, "co"),
    ({"Points": [{"co": {"X": "one", "Y": 1}}]}, "co.X"),
    ({"Points": [{"co": {"X": 1, "Y": 1}, "interpolation": 7}]}, "interpolation"),
    ({"Points": [{"co": {"X": 1, "Y": float("nan")}}]}, "finite"),
])
def test_garbage_is_refused_with_a_message_naming_the_problem(garbage, complaint):
    with pytest.raises(ValueError, match=complaint):
        curve_from_json(garbage, 0.0)


def test_changes_list_only_frames_where_the_value_moves():
    fade = curve(point(10, 0, 1), point(13, 1, 1), point(40, 1, 1), point(41, 0, 2))
    assert curve_changes(fade, 1, 50) == [(1, 0.0), (11, pytest.approx(1 / 3)), (12, pytest.approx(2 / 3)),
                                          (13, 1.0), (41, 0.0)]


def test_changes_of_a_constant_curve_is_its_first_frame():
    assert curve_changes(curve_from_json(3, 0), 5, 500) == [(5, 3.0)]


def test_change_frames_unite_several_curves():
    first = curve(point(1, 0, 2), point(5, 1, 2))
    second = curve(point(1, 0, 2), point(8, 1, 2))
    assert change_frames([first, second], 1, 10) == [1, 5, 8]


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@settings(database=None)
@given(st.lists(st.tuples(st.integers(1, 200), finite, st.sampled_from([0, 1, 2])), min_size=1, max_size=6))
def test_changes_reproduce_the_value_on_every_frame(raw_points):
    parsed = curve(*(point(x, y, kind) for x, y, kind in raw_points))
    changes = dict(curve_changes(parsed, 1, 220))
    value = None
    for frame in range(1, 221):
        value = changes.get(frame, value)
        assert value == keyframe_value_at(parsed, frame)
