"""Why a render did not produce its output.

`RenderError` is the family: a timeline that cannot be expressed as an
ffmpeg graph raises it directly (from `build_render`), and the three ways
a started ffmpeg can end badly (from `run_render`) are subclasses, so a
caller may catch them one by one or all at once. Every message is written
for the person who asked for the export, not for a developer.
"""

from __future__ import annotations


class RenderError(Exception):
    """The timeline or its settings cannot be rendered (the message says why)."""


class RenderFailed(RenderError):
    """ffmpeg ran and exited with an error."""

    def __init__(self, message: str, log_tail: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.log_tail = list(log_tail)


class RenderCancelled(RenderError):
    """The render was stopped because its caller asked for it."""


class RenderTimedOut(RenderError):
    """The render ran past its time limit and was stopped."""
