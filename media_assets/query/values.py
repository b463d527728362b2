"""Reading a query's values: numbers, dates and times, ages, durations, yes/no.

Each reader returns the value or raises ValueError with a message for the
client. Dates may be a day (`2024-05-31`: the whole day, in UTC) or an
instant (`2024-05-31T14:00:00Z`, an offset, or none meaning UTC).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.IGNORECASE)
_AGE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


@dataclass(frozen=True)
class When:
    """A day (start inclusive, end exclusive) or an instant (start == end)."""

    start: dt.datetime
    end: dt.datetime
    is_day: bool


def read_number(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a number.") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number.")
    return value


def read_integer(text: str) -> int:
    value = read_number(text)
    if not value.is_integer():
        raise ValueError(f"{text!r} is not a whole number.")
    if abs(value) > 2**53:
        raise ValueError(f"{text!r} is too large.")
    return int(value)


def read_when(text: str) -> When:
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
            return When(start, start + dt.timedelta(days=1), True)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM:SSZ).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return When(moment, moment, False)


def read_age(text: str) -> dt.timedelta:
    match = _AGE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an age: give a number of days, or a number with s, m, h, d or w (e.g. 12h).")
    amount, unit = float(match.group(1)), _AGE_UNITS[match.group(2).lower()]
    try:
        return dt.timedelta(**{unit: amount})
    except OverflowError:
        raise ValueError(f"{text!r} is too long ago.") from None


def read_duration(text: str) -> float:
    """Seconds, from a number or from [H:]MM:SS(.fff)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is not None:
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    try:
        return read_number(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration: give seconds or H:MM:SS.") from None


def read_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"{text!r} is not true or false.")


def iso_day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).date().isoformat()


def iso_instant(moment: dt.datetime) -> str:
    """The fixed-width UTC text user datetime fields are stored as, so text order is time order."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
