"""Export options as clients write them, made canonical.

OpenShot clients send bitrates as bits ("8000000", 8000000), as text
("8.0 Mb/sec", "192 kb/sec") or as a quality ("crf 23", "cqp 20", "qp 20");
export types in a few spellings; and overrides in `json`. Each parser
raises ValueError with a message for the client.
"""

from __future__ import annotations

import re
from fractions import Fraction

from exports.models import ExportType
from exports.renderer.segments import segments_problem
from exports.renderer.smart import smart_problem

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:b|bit|bits)?(?:/s|/sec|ps)?\s*$", re.IGNORECASE)
_QUALITY = re.compile(r"^\s*(crf|cqp|qp)\s*[:= ]?\s*(\d+)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}

EXPORT_TYPE_ALIASES = {
    "video": ExportType.VIDEO, "audio": ExportType.AUDIO, "image": ExportType.IMAGE,
    "waveform": ExportType.WAVEFORM, "image-sequence": ExportType.IMAGE_SEQUENCE,
    "image sequence": ExportType.IMAGE_SEQUENCE, "image_sequence": ExportType.IMAGE_SEQUENCE,
    "sequence": ExportType.IMAGE_SEQUENCE, "images": ExportType.IMAGE_SEQUENCE,
}


#: export types as the OpenShot documentation writes them (what the API answers), with their labels
DOCUMENTED_EXPORT_TYPES = [
    ("video", "Video"), ("audio", "Audio"), ("image", "Image"), ("image sequence", "Image sequence"),
    ("waveform", "Waveform"),
]


def parse_export_type(value: str) -> str:
    """The stored export type (ExportType) for a client's spelling of one."""
    key = str(value).strip().lower()
    if key not in EXPORT_TYPE_ALIASES:
        documented = ", ".join(name for name, _ in DOCUMENTED_EXPORT_TYPES)
        raise ValueError(f"Unknown export type {str(value)[:64]!r}; use one of {documented}.")
    return EXPORT_TYPE_ALIASES[key].value


def documented_export_type(stored: str) -> str:
    """How the OpenShot documentation writes a stored export type ("image-sequence" is "image sequence")."""
    return "image sequence" if stored == ExportType.IMAGE_SEQUENCE else str(stored)


def parse_bitrate(value, *, allow_quality: bool) -> str:
    """Bits per second as digits, or 'crf N' / 'cqp N' / 'qp N'."""
    text = str(value).strip()
    quality = _QUALITY.match(text)
    if quality:
        if not allow_quality:
            raise ValueError("Audio bitrate must be in bits per second, e.g. 192000 or '192 kb/sec'.")
        kind, level = quality.group(1).lower(), int(quality.group(2))
        limit = 255 if kind == "qp" else 63
        if level > limit:
            raise ValueError(f"{kind} must be between 0 and {limit}.")
        return f"{kind} {level}"
    rate = _RATE.match(text) if len(text) <= 64 else None
    if not rate:
        raise ValueError(f"Not a bitrate: {text[:64]!r}. Use bits per second (8000000), '8.0 Mb/sec', or 'crf 23'.")
    bits = int(float(rate.group(1)) * _UNITS[rate.group(2).lower()])
    if not 1_000 <= bits <= 2_000_000_000:
        raise ValueError(f"Bitrate {bits} b/s is outside 1 kb/s to 2 Gb/s.")
    return str(bits)


def _positive_int(overrides: dict, name: str, upper: int) -> int | None:
    if name not in overrides:
        return None
    value = overrides[name]
    text = str(value).strip()
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not (text.isascii() and text.isdigit()):
        raise ValueError(f"{name} must be a whole number.")
    number = int(value)
    if not 1 <= number <= upper:
        raise ValueError(f"{name} must be between 1 and {upper}.")
    return number


def parse_fps(value) -> Fraction:
    if isinstance(value, dict):
        num, den = value.get("num"), value.get("den", 1)
    else:
        num, den = value, 1
    try:
        fps = Fraction(int(num), int(den))
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError('fps must be {"num": N, "den": D} with positive whole numbers.') from None
    if not 0 < fps <= 1000 or int(num) <= 0 or int(den) <= 0:
        raise ValueError("fps must be between 0 and 1000 frames per second.")
    return fps


def validate_overrides(overrides: dict) -> list[str]:
    """Problems with the render overrides in an export's json (empty when fine)."""
    problems = []
    checks = {"width": 16384, "height": 16384, "sample_rate": 768_000, "channels": 64, "channel_layout": 2**62}
    for name, upper in checks.items():
        try:
            _positive_int(overrides, name, upper)
        except ValueError as error:
            problems.append(str(error))
    if "fps" in overrides:
        try:
            parse_fps(overrides["fps"])
        except ValueError as error:
            problems.append(str(error))
    for name in ("wave_color", "wave_background_color"):
        if name in overrides and not re.fullmatch(r"#?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?", str(overrides[name])):
            problems.append(f"{name} must be a colour like #00ff00.")
    for name, problem_of in (("smart", smart_problem), ("segments", segments_problem)):
        if name in overrides and (problem := problem_of(overrides[name])):
            problems.append(problem)
    if "preset" in overrides and overrides["preset"] not in X264_PRESETS:
        problems.append(f"preset must be one of {', '.join(X264_PRESETS)}.")
    return problems


X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
