"""The caption cue grammar: VTT/SubRip cues as `/clips/<id>/captions/` accepts them and the renderer draws them.

A cue is a timing, `START --> END`, then its text lines up to a blank line
(or the next timing). Times are relative to the clip's start (libopenshot's
rule) and are written `[H:]M:SS<sep>F`: hours and minutes of one or two
digits, seconds of two, a fraction of one to three digits (a decimal
fraction: `01.5` is 1.5 s) after `.` (VTT), `,` (SubRip) or `:`
(OpenShot's default caption); the arrow is `->`, `-->` or longer, with or
without spaces. So `00:00:01.000 --> 00:00:02.000`, `00:01.000 -->
00:02.000`, `0:01.000 --> 0:02.000`, `00:00:01,000 --> 00:00:02,000`,
`00:00:01:000 --> 00:00:02:000` and `00:01.5->00:02.5` are all cues.

Around the cues, what VTT and SubRip put there is not text: a WEBVTT
header, cue numbers and identifiers, NOTE and STYLE blocks (all of them
separated from a cue's text by a blank line), an identifier written before
a timing on its line, and VTT cue settings after the end time
(`align:start line:90%`). Any other words after the end time are the
cue's first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[.,:](\d{1,3})"
#: a cue's timing, anywhere in the text: START, an arrow, END
CUE_TIMING = re.compile(rf"{_TIME}\s*-+>\s*{_TIME}")
#: a VTT cue setting (`align:start`) or SubRip coordinate (`X1:40`): words after the end time that are not text
_SETTING = re.compile(r"[A-Za-z][\w-]*:\S+")

#: the most caption text one clip holds
MAX_CAPTION_CHARACTERS = 1_000_000
#: a cue as a client would write one, for messages
CAPTION_EXAMPLE = "00:00.000 --> 00:07.000\nCaption text shown from 0 s to 7 s."


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the clip's start
    end: float
    lines: tuple[str, ...]  # the text, line by line (empty: a cue with nothing to show)


def caption_cues(text: str) -> list[Cue]:
    """Every cue in VTT/SubRip text, in the order written (ends before starts included: callers judge them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    timings = list(CUE_TIMING.finditer(text))
    cues = []
    for index, timing in enumerate(timings):
        following = text[timing.end():timings[index + 1].start() if index + 1 < len(timings) else len(text)]
        if index + 1 < len(timings):  # the next timing's line (an identifier before it) belongs to that cue
            following = following[:following.rfind("\n") + 1]
        groups = timing.groups()
        cues.append(Cue(cue_seconds(*groups[:4]), cue_seconds(*groups[4:]), _cue_lines(following)))
    return cues


def cue_seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    """A cue time's parts (as CUE_TIMING matches them) in seconds; the fraction is decimal (`5` is half a second)."""
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction) / 10 ** len(fraction)


def _cue_lines(following: str) -> tuple[str, ...]:
    """A cue's text: the rest of the timing's line unless it is cue settings, then the lines up to a blank one."""
    rest_of_timing, _, after = following.partition("\n")
    rest_of_timing = rest_of_timing.strip()
    lines = []
    if rest_of_timing and not all(_SETTING.fullmatch(word) for word in rest_of_timing.split()):
        lines.append(rest_of_timing)
    for line in after.split("\n"):
        if not line.strip():
            break
        lines.append(line.rstrip())
    return tuple(lines)
