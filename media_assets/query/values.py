"""Reading a query's values: numbers, dates and times, ages, durations, yes/no.

Each reader returns the value or raises ValueError with a message for the
client. Dates may be a day (`2024-05-31`: the whole day, in UTC) or an
instant (`2024-05-31T14:00:00Z`, an offset, or none meaning UTC). Python's
dates stop at years 1 and 9999, so arithmetic near those ends (a day's end,
a UTC conversion, an age counted back from now) is checked here and refused
as a ValueError like any other bad value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from media_assets.catalog.user_fields import utc_text

# ASCII digits only: \d also matches other scripts' digits.
_AGE = re.compile(r"\s*([0-9]{1,20}(?:\.[0-9]{1,20})?)\s*([smhdw]?)\s*", re.IGNORECASE)
_AGE_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}
_CLOCK = re.compile(r"(?:([0-9]{1,9}):)?([0-9]{1,2}):([0-9]{1,2}(?:\.[0-9]{1,9})?)")
_ONE_DAY = dt.timedelta(days=1)


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
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM:SSZ).") from None
    if len(text) == 10:
        return whole_day(day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    moment = in_utc(moment)
    return When(moment, moment, False)


def whole_day(day: dt.date) -> When:
    """The UTC day `day`, start inclusive, end exclusive."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
    if day == dt.date.max:  # its end, 10000-01-01, is past what a date can hold
        raise ValueError(f"{day.isoformat()} is the calendar's last day; give an earlier date.")
    return When(start, start + _ONE_DAY, True)


def in_utc(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC, where the database compares it; ValueError when UTC cannot hold it."""
    try:
        return moment.astimezone(dt.timezone.utc)
    except OverflowError:
        raise ValueError(f"{moment.isoformat()} is outside the years 0001–9999 in UTC.") from None


def age_cutoff(text: str, now: dt.datetime) -> dt.datetime:
    """The moment `text` (an age, see read_age) before `now`."""
    try:
        return now - read_age(text)
    except OverflowError:
        raise ValueError(f"{text!r} is too long ago: it reaches before year 1.") from None


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
    return in_utc(moment).date().isoformat()


def iso_instant(moment: dt.datetime) -> str:
    """The fixed-width UTC text user datetime fields are stored as, so text order is time order."""
    return utc_text(moment)
