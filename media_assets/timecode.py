"""SMPTE timecode: frame counts, labels and CatDV's timecode object.

A timecode *value* is a frame count from 00:00:00:00; its *label* is the
HH:MM:SS:FF text people read. Each format has an actual frame rate (what
seconds are) and a nominal base (how many FF labels a second has): 29.97
counts 30 labels a second while only 30000/1001 frames pass in one.

Drop-frame (29.97 DF, 59.94 DF) keeps labels near wall-clock time by
skipping labels, never frames: at the start of every minute except each
tenth, labels ;00 and ;01 (;00-;03 at 59.94) do not exist. Labels use
`;` before the frames when drop-frame, `:` otherwise.

CatDV's `fmt` codes name the formats; the two non-drop variants of the
NTSC rates, which CatDV's docs leave unnamed, are 2998 and 5995 here.

Pure: no Django. Every function raises `TimecodeError` (a ValueError whose
message says why) on bad input.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

HOURS_PER_DAY = 24
#: longer text is no timecode; refusing it early keeps int() and messages small
MAX_TIMECODE_TEXT = 32
#: a frame count as text: ASCII digits only (str.isdigit() also takes '²' and other scripts' digits)
_FRAME_COUNT = re.compile(r"[0-9]+")


class TimecodeError(ValueError):
    """A timecode that cannot exist in its format, or input that is not a timecode."""


@dataclass(frozen=True)
class TimecodeFormat:
    code: int
    label: str
    rate_num: int
    rate_den: int
    base: int
    drop_frame: bool
    # Derived once: the conversions below run for every frame of a day in tests.
    rate: Fraction = field(init=False, repr=False, compare=False)
    #: labels skipped at the start of a dropping minute: 2 at 29.97, 4 at 59.94
    dropped_per_minute: int = field(init=False, repr=False, compare=False)
    frames_per_dropping_minute: int = field(init=False, repr=False, compare=False)
    frames_per_ten_minutes: int = field(init=False, repr=False, compare=False)
    frames_per_day: int = field(init=False, repr=False, compare=False)
    separator: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        drop = self.base // 15 if self.drop_frame else 0
        derived = {
            "rate": Fraction(self.rate_num, self.rate_den),
            "dropped_per_minute": drop,
            "frames_per_dropping_minute": self.base * 60 - drop,
            "frames_per_ten_minutes": self.base * 600 - 9 * drop,
            "frames_per_day": (self.base * 600 - 9 * drop) * 6 * HOURS_PER_DAY,
            "separator": ";" if self.drop_frame else ":",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)


FORMATS: dict[int, TimecodeFormat] = {
    fmt.code: fmt
    for fmt in (
        TimecodeFormat(2398, "23.976", 24000, 1001, 24, False),
        TimecodeFormat(24, "24", 24, 1, 24, False),
        TimecodeFormat(25, "25", 25, 1, 25, False),
        TimecodeFormat(2997, "29.97 DF", 30000, 1001, 30, True),
        TimecodeFormat(2998, "29.97 NDF", 30000, 1001, 30, False),
        TimecodeFormat(30, "30", 30, 1, 30, False),
        TimecodeFormat(48, "48", 48, 1, 48, False),
        TimecodeFormat(50, "50", 50, 1, 50, False),
        TimecodeFormat(5994, "59.94 DF", 60000, 1001, 60, True),
        TimecodeFormat(5995, "59.94 NDF", 60000, 1001, 60, False),
        TimecodeFormat(60, "60", 60, 1, 60, False),
    )
}
DEFAULT_FORMAT = FORMATS[25]


def timecode_format(code: Any) -> TimecodeFormat:
    """The format with CatDV code `code` (an int or its digits)."""
    try:
        return FORMATS[int(code)]
    except (KeyError, TypeError, ValueError):
        known = ", ".join(f"{fmt.code} ({fmt.label})" for fmt in FORMATS.values())
        raise TimecodeError(f"Unknown timecode format {code!r}; use one of {known}.") from None


def format_for_rate(num: int, den: int = 1) -> TimecodeFormat:
    """The format media at num/den fps is labelled in.

    Exact NTSC rates get drop-frame (the broadcast convention); other rates
    get the listed format nearest to them.
    """
    if num <= 0 or den <= 0:
        return DEFAULT_FORMAT
    rate = Fraction(num, den)
    preferred = [fmt for fmt in FORMATS.values() if fmt.drop_frame or fmt.rate.denominator == 1 or fmt.code == 2398]
    return min(preferred, key=lambda fmt: (abs(fmt.rate - rate), not fmt.drop_frame))


def formats_with_rate(rate: Fraction) -> list[TimecodeFormat]:
    return [fmt for fmt in FORMATS.values() if fmt.rate == rate]


# -- frames <-> label components -------------------------------------------


def frames_to_components(frames: int, fmt: TimecodeFormat) -> tuple[int, int, int, int]:
    """(hours, minutes, seconds, frames) of the label of frame `frames`."""
    if frames < 0 or frames >= fmt.frames_per_day:
        raise TimecodeError(f"Frame {frames} is outside 24 hours of {fmt.label} timecode (0–{fmt.frames_per_day - 1}).")
    if fmt.drop_frame:
        drop = fmt.dropped_per_minute
        tens, rest = divmod(frames, fmt.frames_per_ten_minutes)
        frames += 9 * drop * tens
        if rest >= drop:
            frames += drop * ((rest - drop) // fmt.frames_per_dropping_minute)
    base = fmt.base
    seconds, ff = divmod(frames, base)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return hh, mm, ss, ff


def components_to_frames(hh: int, mm: int, ss: int, ff: int, fmt: TimecodeFormat) -> int:
    """The frame count of label hh:mm:ss:ff; a label that cannot exist raises."""
    if not 0 <= hh < HOURS_PER_DAY:
        raise TimecodeError(f"Hours {hh:02d} are out of range: timecode runs 00–23.")
    if not 0 <= mm < 60:
        raise TimecodeError(f"Minutes {mm:02d} are out of range: 00–59.")
    if not 0 <= ss < 60:
        raise TimecodeError(f"Seconds {ss:02d} are out of range: 00–59.")
    if not 0 <= ff < fmt.base:
        raise TimecodeError(f"Frame {ff:02d} is past the rate: {fmt.label} labels run 00–{fmt.base - 1:02d}.")
    total_minutes = hh * 60 + mm
    frames = (total_minutes * 60 + ss) * fmt.base + ff
    if fmt.drop_frame:
        drop = fmt.dropped_per_minute
        if ss == 0 and ff < drop and mm % 10 != 0:
            label = f"{hh:02d}:{mm:02d}:{ss:02d};{ff:02d}"
            raise TimecodeError(
                f"{label} does not exist in {fmt.label}: labels ;00 to ;{drop - 1:02d} are dropped at the start "
                f"of every minute except minutes 00, 10, 20, 30, 40 and 50."
            )
        frames -= drop * (total_minutes - total_minutes // 10)
    return frames


# -- text -------------------------------------------------------------------

_LABEL = re.compile(r"(\d{2})([:;])(\d{2})\2(\d{2})([:;.])(\d{2})")
# Two-digit fields by table: labels are made and read for every frame of a day in tests.
_TWO_DIGITS = [f"{number:02d}" for number in range(100)]
_NUMBER_OF = {text: number for number, text in enumerate(_TWO_DIGITS)}


def frames_to_text(frames: int, fmt: TimecodeFormat) -> str:
    hh, mm, ss, ff = frames_to_components(frames, fmt)
    two = _TWO_DIGITS
    return f"{two[hh]}:{two[mm]}:{two[ss]}{fmt.separator}{two[ff]}"


def text_to_frames(text: str, fmt: TimecodeFormat) -> int:
    """Frames of a label `HH:MM:SS:FF` (`HH:MM:SS;FF` or `HH;MM;SS;FF` for drop-frame)."""
    _check_length(text)
    number = _NUMBER_OF
    if len(text) == 11 and text[2] == text[5] == ":" and text[8] == fmt.separator:
        hh, mm, ss, ff = (number.get(text[0:2]), number.get(text[3:5]), number.get(text[6:8]), number.get(text[9:11]))
        if hh is not None and mm is not None and ss is not None and ff is not None:
            return components_to_frames(hh, mm, ss, ff, fmt)
    match = _LABEL.fullmatch(text.strip()) if isinstance(text, str) and text.isascii() else None
    if match is None:
        raise TimecodeError(
            f"{text!r} is not a timecode: write HH:MM:SS{fmt.separator}FF, or give a frame count."
        )
    hh, first_separator, mm, ss, last_separator, ff = match.groups()
    if not fmt.drop_frame and (first_separator == ";" or last_separator != ":"):
        raise TimecodeError(
            f"{text!r} is written as drop-frame (';'), but the format is {fmt.label}, which does not drop frames: "
            f"write HH:MM:SS:FF."
        )
    return components_to_frames(int(hh), int(mm), int(ss), int(ff), fmt)


def frames_to_seconds(frames: int, fmt: TimecodeFormat) -> float:
    # frames * den is an exact integer, and one division rounds once: as good as Fraction, much faster
    return round(frames * fmt.rate_den / fmt.rate_num, 6)


def seconds_to_frames(seconds: float, fmt: TimecodeFormat) -> int:
    return round(Fraction(seconds) * fmt.rate)


def seconds_per_day(fmt: TimecodeFormat) -> float:
    """How long 24 hours of labels last: a little more than a day at the NTSC rates."""
    return fmt.frames_per_day / fmt.rate


# -- CatDV's timecode object -------------------------------------------------


def timecode_object(frames: int, fmt: TimecodeFormat) -> dict[str, Any]:
    """CatDV's `{fmt, frm, secs, txt}`."""
    return {"fmt": fmt.code, "frm": frames, "secs": frames_to_seconds(frames, fmt), "txt": frames_to_text(frames, fmt)}


def parse_timecode(value: Any, fmt: TimecodeFormat) -> int:
    """Frames from a client's timecode: a frame count, label text, or a timecode object."""
    if isinstance(value, bool):
        raise TimecodeError("Give a frame count, HH:MM:SS:FF text or a {fmt, frm, txt} object, not true/false.")
    if isinstance(value, int):
        return _checked_frames(value, fmt)
    if isinstance(value, float):
        if not value.is_integer():
            raise TimecodeError(f"A frame count is a whole number, not {value}.")
        return _checked_frames(int(value), fmt)
    if isinstance(value, str):
        text = value.strip()
        _check_length(text)
        if _FRAME_COUNT.fullmatch(text):
            return _checked_frames(int(text), fmt)
        return text_to_frames(text, fmt)
    if isinstance(value, dict):
        return _object_frames(value, fmt)
    raise TimecodeError(
        f"Give a frame count, HH:MM:SS:FF text or a {{fmt, frm, txt}} object, not {type(value).__name__}."
    )


def _object_frames(value: dict, fmt: TimecodeFormat) -> int:
    if value.get("fmt") not in (None, "") and str(value["fmt"]) != str(fmt.code):
        raise TimecodeError(
            f"The timecode's fmt {value['fmt']!r} is not this object's format {fmt.code} ({fmt.label})."
        )
    frames = None
    if value.get("frm") is not None:
        frm = value["frm"]
        if isinstance(frm, bool) or not isinstance(frm, int):
            raise TimecodeError(f"frm must be a whole number of frames, not {frm!r}.")
        frames = _checked_frames(frm, fmt)
    if value.get("txt") not in (None, ""):
        if not isinstance(value["txt"], str):
            raise TimecodeError(f"txt must be text, not {value['txt']!r}.")
        from_text = text_to_frames(value["txt"], fmt)
        if frames is not None and from_text != frames:
            raise TimecodeError(f"frm {frames} and txt {value['txt']!r} name different frames.")
        frames = from_text
    if frames is None and value.get("secs") is not None:
        frames = _checked_frames(seconds_to_frames(_checked_seconds(value["secs"], fmt), fmt), fmt)
    if frames is None:
        raise TimecodeError("A timecode object needs frm, txt or secs.")
    return frames


def _check_length(text: str) -> None:
    if isinstance(text, str) and len(text) > MAX_TIMECODE_TEXT:
        raise TimecodeError(
            f"{text[:MAX_TIMECODE_TEXT]!r}… is too long to be a timecode or a frame count "
            f"(at most {MAX_TIMECODE_TEXT} characters)."
        )


def _checked_seconds(secs: Any, fmt: TimecodeFormat) -> float:
    # JSON may carry 1e400 (infinity) or NaN, which no Fraction can hold.
    if isinstance(secs, bool) or not isinstance(secs, (int, float)) or not math.isfinite(secs) or secs < 0:
        raise TimecodeError(f"secs must be a finite number of seconds ≥ 0, not {secs!r}.")
    if secs >= seconds_per_day(fmt):
        raise TimecodeError(f"secs {secs} is past 24 hours of {fmt.label} timecode.")
    return secs


def _checked_frames(frames: int, fmt: TimecodeFormat) -> int:
    if frames < 0:
        raise TimecodeError(f"A frame count cannot be negative ({frames}).")
    if frames >= fmt.frames_per_day:
        raise TimecodeError(
            f"Frame {frames} is past 24 hours of {fmt.label} timecode (the last is {fmt.frames_per_day - 1})."
        )
    return frames
