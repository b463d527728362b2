"""Timecode: SMPTE-exact drop-frame, every listed rate, text ↔ frames for every frame of a day."""

from itertools import repeat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_assets.timecode import (
    FORMATS,
    TimecodeError,
    components_to_frames,
    format_for_rate,
    frames_to_components,
    frames_to_seconds,
    frames_to_text,
    parse_timecode,
    text_to_frames,
    timecode_format,
    timecode_object,
)

DF2997, DF5994 = FORMATS[2997], FORMATS[5994]
formats = st.sampled_from(list(FORMATS.values()))


@st.composite
def format_and_frame(draw):
    fmt = draw(formats)
    return fmt, draw(st.integers(min_value=0, max_value=fmt.frames_per_day - 1))


def test_every_listed_rate_has_a_format():
    labels = {fmt.label for fmt in FORMATS.values()}
    assert labels == {"23.976", "24", "25", "29.97 DF", "29.97 NDF", "30", "48", "50", "59.94 DF", "59.94 NDF", "60"}


@pytest.mark.parametrize("num, den, code", [
    (24000, 1001, 2398), (24, 1, 24), (25, 1, 25), (30000, 1001, 2997), (30, 1, 30), (48, 1, 48), (50, 1, 50),
    (60000, 1001, 5994), (60, 1, 60), (2997, 100, 2997), (100, 1, 60), (0, 1, 25),
])
def test_the_format_follows_the_media_frame_rate(num, den, code):
    assert format_for_rate(num, den).code == code


@pytest.mark.parametrize("fmt, frames, text", [
    (DF2997, 0, "00:00:00;00"),
    (DF2997, 1799, "00:00:59;29"),
    (DF2997, 1800, "00:01:00;02"),  # ;00 and ;01 are dropped at minute 1
    (DF2997, 17981, "00:09:59;29"),
    (DF2997, 17982, "00:10:00;00"),  # … but not at minute 10
    (DF2997, 107892, "01:00:00;00"),  # one hour of 29.97 DF is 107,892 frames
    (DF2997, 2589407, "23:59:59;29"),
    (DF5994, 3600, "00:01:00;04"),  # 59.94 drops four labels
    (DF5994, 215784, "01:00:00;00"),
    (FORMATS[2998], 1800, "00:01:00:00"),
    (FORMATS[25], 90000, "01:00:00:00"),
    (FORMATS[2398], 86400, "01:00:00:00"),
    (FORMATS[60], 59, "00:00:00:59"),
])
def test_known_labels(fmt, frames, text):
    assert frames_to_text(frames, fmt) == text
    assert text_to_frames(text, fmt) == frames


@pytest.mark.parametrize("quarter", range(4), ids=lambda quarter: f"hours {6 * quarter:02d}-{6 * quarter + 5:02d}")
@pytest.mark.parametrize("fmt", [DF2997, DF5994], ids=["29.97DF", "59.94DF"])
def test_drop_frame_text_round_trips_every_frame_of_24_hours(fmt, quarter):
    """Every frame's label reads back to that frame, labels only increase, and exactly the dropped ones are missing.

    Read-back makes frames → labels one-to-one; increasing labels that all
    exist (dropped labels are refused on reading) and number frames_per_day
    in all are exactly the existing labels. The loop runs in C (map), a
    quarter of the day per test.
    """
    size = fmt.frames_per_day // 4
    frames = range(quarter * size, (quarter + 1) * size)
    labels = list(map(frames_to_text, frames, repeat(fmt)))
    assert list(map(text_to_frames, labels, repeat(fmt))) == list(frames)
    assert all(map(str.__lt__, labels, labels[1:])), "labels must increase with frames"
    assert labels[0] == f"{6 * quarter:02d}:00:00;00" and labels[-1] == f"{6 * quarter + 5:02d}:59:59;{fmt.base - 1}"


def test_a_day_of_drop_frame_has_every_label_but_the_dropped_ones():
    for fmt in (DF2997, DF5994):
        all_labels = 24 * 3600 * fmt.base
        dropped_minutes = 24 * 60 - 24 * 6
        assert fmt.frames_per_day == all_labels - dropped_minutes * fmt.dropped_per_minute


@given(format_and_frame())
def test_frames_to_text_and_back_is_identity(case):
    fmt, frames = case
    assert text_to_frames(frames_to_text(frames, fmt), fmt) == frames


@given(format_and_frame())
def test_labels_are_in_range_and_order_preserving(case):
    fmt, frames = case
    hh, mm, ss, ff = frames_to_components(frames, fmt)
    assert 0 <= hh < 24 and 0 <= mm < 60 and 0 <= ss < 60 and 0 <= ff < fmt.base
    if frames + 1 < fmt.frames_per_day:
        assert frames_to_components(frames + 1, fmt) > (hh, mm, ss, ff)


@given(formats, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.integers(0, 59))
def test_every_existing_label_round_trips_and_dropped_ones_are_refused(fmt, hh, mm, ss, ff):
    ff = ff % fmt.base
    dropped = fmt.drop_frame and ss == 0 and ff < fmt.dropped_per_minute and mm % 10 != 0
    if dropped:
        with pytest.raises(TimecodeError, match="does not exist"):
            components_to_frames(hh, mm, ss, ff, fmt)
    else:
        assert frames_to_components(components_to_frames(hh, mm, ss, ff, fmt), fmt) == (hh, mm, ss, ff)


@given(format_and_frame())
def test_the_timecode_object_agrees_with_itself(case):
    fmt, frames = case
    obj = timecode_object(frames, fmt)
    assert obj["fmt"] == fmt.code and obj["frm"] == frames
    assert obj["secs"] == pytest.approx(frames * fmt.rate_den / fmt.rate_num, abs=1e-6)
    for given_as in (obj, {"txt": obj["txt"]}, {"frm": frames}, obj["txt"], frames, str(frames)):
        assert parse_timecode(given_as, fmt) == frames


def test_drop_frame_time_stays_close_to_the_clock():
    # after an hour of 29.97 DF labels, the label and real time differ by under a frame
    assert abs(frames_to_seconds(text_to_frames("01:00:00;00", DF2997), DF2997) - 3600) < 1 / 29.97


@pytest.mark.parametrize("fmt, value, reason", [
    (DF2997, "00:01:00;00", "does not exist in 29.97 DF"),
    (DF2997, "00:01:00;01", "does not exist"),
    (DF5994, "00:02:00;03", "does not exist"),
    (FORMATS[25], "00:00:00:25", "past the rate: 25 labels run 00–24"),
    (DF2997, "00:00:00;30", "past the rate"),
    (FORMATS[25], "24:00:00:00", "Hours 24"),
    (FORMATS[25], "00:60:00:00", "Minutes 60"),
    (FORMATS[25], "00:00:61:00", "Seconds 61"),
    (FORMATS[25], "00:00:10;00", "drop-frame"),
    (FORMATS[25], "1:2:3:4", "not a timecode"),
    (FORMATS[25], "next tuesday", "not a timecode"),
    (FORMATS[25], -1, "negative"),
    (FORMATS[25], 2160000, "past 24 hours"),
    (FORMATS[25], 1.5, "whole number"),
    (FORMATS[25], True, "not true/false"),
    (FORMATS[25], {"fmt": 30, "frm": 1}, "not this object's format"),
    (FORMATS[25], {"frm": 25, "txt": "00:00:02:00"}, "different frames"),
    (FORMATS[25], {}, "needs frm, txt or secs"),
    (FORMATS[25], [1], "not list"),
])
def test_invalid_timecode_says_why(fmt, value, reason):
    with pytest.raises(TimecodeError, match=reason):
        parse_timecode(value, fmt)


def test_unknown_format_lists_the_known_ones():
    with pytest.raises(TimecodeError, match="2997 \\(29.97 DF\\)"):
        timecode_format(29)
