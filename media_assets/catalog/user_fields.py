"""User field values: checked against their field's type and stored in a form queries can compare.

Values are stored in `Asset.user_fields` under the field's identifier:
text as text, integers and decimals as JSON numbers, dates as
`YYYY-MM-DD`, date-times as fixed-width UTC `YYYY-MM-DDTHH:MM:SSZ` (so
text order is time order), booleans as true/false, a picklist option as
its canonical spelling, several options as a list in the field's order.
A null (or empty) value removes the field's value.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from media_assets.catalog.models import FieldType

MAX_TEXT = 1_000
MAX_MULTILINE = 100_000
MAX_INTEGER = 2**53
_url_validator = URLValidator(schemes=["http", "https"])


class UserFieldErrors(ValueError):
    """Problems with several values: `errors` maps identifier → messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def clean_value(field_type: str, options: list[str], value):
    """The stored form of `value`, None to remove it; ValueError saying what is wrong."""
    if value is None or value == "" or value == []:
        return None
    cleaner = _CLEANERS[field_type]
    return cleaner(value, options)


def clean_user_fields(values, fields: dict, current: dict | None = None) -> dict:
    """The asset's new user_fields: `current` updated by `values`; UserFieldErrors naming each bad field.

    `fields` maps identifier → MetadataField of the fields the asset's catalog has.
    """
    if not isinstance(values, dict):
        raise UserFieldErrors({"non_field_errors": ["Give an object of {field identifier: value}."]})
    result = dict(current or {})
    errors = {}
    for identifier, value in values.items():
        field = fields.get(identifier)
        if field is None:
            known = ", ".join(sorted(fields)) or "none are defined"
            errors[identifier] = [f"No field {identifier!r} in this catalog (fields: {known})."]
            continue
        try:
            cleaned = clean_value(field.type, field.options, value)
        except ValueError as error:
            errors[identifier] = [f"{field.name}: {error}"]
            continue
        if cleaned is None:
            result.pop(identifier, None)
        else:
            result[identifier] = cleaned
    if errors:
        raise UserFieldErrors(errors)
    return result


def _text(value, options, limit=MAX_TEXT, multiline=False):
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {_kind(value)}.")
    if len(value) > limit:
        raise ValueError(f"at most {limit} characters.")
    if "\x00" in value:  # PostgreSQL's jsonb cannot hold it
        raise ValueError("text cannot contain the NUL character.")
    if not multiline and ("\n" in value or "\r" in value):
        raise ValueError("one line only (this is not a multi-line field).")
    return value


def _multiline(value, options):
    return _text(value, options, MAX_MULTILINE, multiline=True)


def _integer(value, options):
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            raise ValueError(f"{value!r} is not a whole number.")
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {_kind(value)}.")
    if abs(value) > MAX_INTEGER:
        raise ValueError(f"{value} is beyond ±2^53.")
    return value


def _decimal(value, options):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected a number, not {_kind(value)}.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number.") from None
    if not number.is_finite() or not math.isfinite(float(number)):
        raise ValueError(f"{value!r} is not a finite number.")
    as_float = float(number)
    return int(as_float) if as_float.is_integer() and abs(as_float) <= MAX_INTEGER else as_float


def _date(value, options):
    if not isinstance(value, str):
        raise ValueError(f"expected a date YYYY-MM-DD, not {_kind(value)}.")
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD.") from None


def _datetime(value, options):
    if not isinstance(value, str):
        raise ValueError(f"expected a date and time (ISO 8601), not {_kind(value)}.")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time such as 2024-05-31T14:00:00Z.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return utc_text(moment)


def utc_text(moment: dt.datetime) -> str:
    """`moment` as fixed-width UTC text `YYYY-MM-DDTHH:MM:SSZ`; ValueError when UTC cannot hold it.

    Near the ends of the calendar an offset can push the UTC time past
    year 9999 or before year 1. strftime("%Y") is not used: it drops the
    leading zeros of years before 1000 on Linux, breaking the fixed width.
    """
    try:
        utc = moment.astimezone(dt.timezone.utc)
    except OverflowError:
        raise ValueError(f"{moment.isoformat()} is outside the years 0001–9999 in UTC.") from None
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"


def _boolean(value, options):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError(f"expected true or false, not {value!r}.")


def _option(value, options):
    if not isinstance(value, str):
        raise ValueError(f"expected one of the options ({', '.join(options)}), not {_kind(value)}.")
    wanted = value.strip().lower()
    for option in options:
        if option.lower() == wanted:
            return option
    raise ValueError(f"{value!r} is not an option; choose one of: {', '.join(options)}.")


def _options(value, options):
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"expected a list of options, not {_kind(value)}.")
    chosen = {_option(item, options) for item in items}
    return [option for option in options if option in chosen] or None


def _url(value, options):
    text = _text(value, options)
    try:
        _url_validator(text)
    except ValidationError:
        raise ValueError(f"{value!r} is not an http(s) URL.") from None
    return text


def _kind(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


_CLEANERS = {
    FieldType.TEXT: _text, FieldType.MULTILINE: _multiline, FieldType.INTEGER: _integer, FieldType.DECIMAL: _decimal,
    FieldType.DATE: _date, FieldType.DATETIME: _datetime, FieldType.BOOLEAN: _boolean, FieldType.CHOICE: _option,
    FieldType.MULTICHOICE: _options, FieldType.URL: _url,
}
