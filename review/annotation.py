"""A drawing over a frame: the shapes a reviewer draws, and the limits they are checked against.

Plain data in, plain data out: `annotation_clean(value)` returns the
normalised drawing or raises AnnotationError naming what is wrong (the
API shows it under `annotation`). Coordinates are fractions of the
picture (0–1 from the top left), so a drawing fits any size the frame is
shown at.
"""

from __future__ import annotations

import math
import re
from typing import Any

TOOLS = ("arrow", "line", "rect", "ellipse", "freehand", "text")
MAX_SHAPES = 500
MAX_POINTS = 10_000
MAX_WIDTH = 100.0
MAX_SHAPE_TEXT = 1000
#: how many points each tool needs at least (freehand: a stroke; text: where it goes)
MIN_POINTS = {"arrow": 2, "line": 2, "rect": 2, "ellipse": 2, "freehand": 1, "text": 1}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
SHAPE_KEYS = {"tool", "points", "color", "width", "text"}


class AnnotationError(ValueError):
    """The drawing is not valid; the message says where and why."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shape_clean(shape: Any, index: int) -> tuple[dict, int]:
    where = f"shapes[{index}]"
    if not isinstance(shape, dict):
        raise AnnotationError(f"{where} must be an object.")
    unknown = set(shape) - SHAPE_KEYS
    if unknown:
        raise AnnotationError(f"{where} has unknown keys: {', '.join(sorted(map(str, unknown)))}.")
    tool = shape.get("tool")
    if tool not in TOOLS:
        raise AnnotationError(f"{where}.tool {tool!r} is not one of {', '.join(TOOLS)}.")
    points = shape.get("points")
    if not isinstance(points, list) or len(points) < MIN_POINTS[tool]:
        raise AnnotationError(f"{where}.points must be a list of at least {MIN_POINTS[tool]} [x, y] points.")
    cleaned = []
    for number, point in enumerate(points):
        if not (isinstance(point, list) and len(point) == 2 and all(_number(value) for value in point)):
            raise AnnotationError(f"{where}.points[{number}] must be [x, y] numbers.")
        if not all(0 <= value <= 1 for value in point):
            raise AnnotationError(f"{where}.points[{number}] {point} is outside the picture: x and y are 0–1.")
        cleaned.append([float(point[0]), float(point[1])])
    color = shape.get("color", "#ff0000")
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise AnnotationError(f"{where}.color must be #rrggbb, not {color!r}.")
    width = shape.get("width", 2)
    if not _number(width) or not 0 < width <= MAX_WIDTH:
        raise AnnotationError(f"{where}.width must be a number above 0 and at most {MAX_WIDTH:g}.")
    result = {"tool": tool, "points": cleaned, "color": color.lower(), "width": width}
    if tool == "text":
        text = shape.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_SHAPE_TEXT:
            raise AnnotationError(f"{where}.text must be 1–{MAX_SHAPE_TEXT} characters for the text tool.")
        result["text"] = text
    elif "text" in shape:
        raise AnnotationError(f"{where}.text is only for the text tool.")
    return result, len(cleaned)


def annotation_clean(value: Any) -> dict | None:
    """The drawing, normalised (lower-case colours, default colour and width), or None for no drawing."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"shapes"}:
        raise AnnotationError('Give a drawing as {"shapes": [...]}.')
    shapes = value["shapes"]
    if not isinstance(shapes, list):
        raise AnnotationError("shapes must be a list.")
    if len(shapes) > MAX_SHAPES:
        raise AnnotationError(f"A drawing has at most {MAX_SHAPES} shapes, not {len(shapes)}.")
    cleaned, total = [], 0
    for index, shape in enumerate(shapes):
        result, count = _shape_clean(shape, index)
        total += count
        if total > MAX_POINTS:
            raise AnnotationError(f"A drawing has at most {MAX_POINTS} points in all.")
        cleaned.append(result)
    return {"shapes": cleaned}
