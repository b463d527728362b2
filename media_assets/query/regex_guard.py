"""Which regular expressions a query may run: a safe subset both databases agree on.

Backtracking engines (Python's, and PostgreSQL's when a pattern has
back-references) can take exponential time on patterns such as `(a+)+$`
or `(a|aa)*b`: one request could then hold a database connection for
minutes (ReDoS). Patterns are therefore checked before they run:

* at most 256 characters and 10 repetitions;
* no repetition of a group that itself repeats or has alternatives
  (`(a+)+`, `(a|b)*`): the shapes behind catastrophic backtracking;
* only constructs PostgreSQL's ARE and Python's `regex` read the same
  way: literals, `.`, classes `[...]` (with ranges and `[:alpha:]`),
  `\\d \\w \\s \\D \\W \\S`, escaped punctuation, `^ $`, groups `( )` and
  `(?: )`, `|`, and the quantifiers `* + ? {m} {m,} {m,n}` (n ≤ 1000),
  lazy or not. Back-references, look-arounds, inline flags and `\\b`
  (a backspace in PostgreSQL) are refused with a message saying so.

On SQLite the guarded pattern then runs in the `regex` module under a
time limit as well (media_assets.query.lookups).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

MAX_PATTERN_LENGTH = 256
MAX_REPETITIONS = 10
MAX_BOUND = 1000
_CLASS_ESCAPES = set("dDwWsS")


class RegexRefused(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class _Group:
    start: int
    repeats_inside: bool = False
    alternates: bool = False
    children: list = field(default_factory=list)


def check_regex(pattern: str) -> None:
    """Raise RegexRefused (with the offset in the pattern) unless `pattern` is safe to run."""
    if not pattern:
        raise RegexRefused("The pattern is empty.", 0)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexRefused(f"The pattern is longer than {MAX_PATTERN_LENGTH} characters.", MAX_PATTERN_LENGTH)
    _Checker(pattern).run()
    try:
        regex.compile(pattern)
    except regex.error as error:
        raise RegexRefused(f"Not a valid regular expression: {error}.", getattr(error, "pos", 0) or 0) from None


class _Checker:
    def __init__(self, pattern: str):
        self.pattern = pattern
        self.pos = 0
        self.stack = [_Group(start=0)]
        self.last_atom: tuple[str, _Group | None] | None = None  # ("char"|"group", group info)
        self.repetitions = 0

    def refuse(self, message: str, offset: int | None = None):
        raise RegexRefused(message, self.pos if offset is None else offset)

    def run(self) -> None:
        pattern = self.pattern
        while self.pos < len(pattern):
            char = pattern[self.pos]
            if char == "\\":
                self.escape()
            elif char == "[":
                self.char_class()
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char == "|":
                self.stack[-1].alternates = True
                self.last_atom = None
                self.pos += 1
            elif char in "*+?{":
                self.quantifier()
            elif char in "^$":
                self.last_atom = None
                self.pos += 1
            else:
                self.last_atom = ("char", None)
                self.pos += 1
        if len(self.stack) > 1:
            self.refuse("A group is opened with '(' but never closed.", self.stack[-1].start)

    def escape(self) -> None:
        start = self.pos
        if self.pos + 1 >= len(self.pattern):
            self.refuse("The pattern ends with a lone backslash.", start)
        char = self.pattern[self.pos + 1]
        if char.isdigit():
            self.refuse("Back-references (\\1…) are not supported: they make matching exponential.", start)
        if char in "bB":
            self.refuse("\\b is not supported (PostgreSQL reads it as a backspace); use the hasWord operator.", start)
        if char.isalnum() and char not in _CLASS_ESCAPES:
            self.refuse(f"The escape \\{char} is not supported; use \\d \\w \\s (or their capitals) or escape punctuation.", start)
        self.pos += 2
        self.last_atom = ("char", None)

    def char_class(self) -> None:
        start = self.pos
        self.pos += 1
        if self.pos < len(self.pattern) and self.pattern[self.pos] == "^":
            self.pos += 1
        if self.pos < len(self.pattern) and self.pattern[self.pos] == "]":
            self.pos += 1
        while self.pos < len(self.pattern):
            char = self.pattern[self.pos]
            if char == "]":
                self.pos += 1
                self.last_atom = ("char", None)
                return
            if char == "\\":
                if self.pos + 1 < len(self.pattern) and self.pattern[self.pos + 1].isalnum() \
                        and self.pattern[self.pos + 1] not in _CLASS_ESCAPES:
                    self.refuse(f"The escape \\{self.pattern[self.pos + 1]} is not supported in a class.")
                self.pos += 2
                continue
            if self.pattern.startswith("[:", self.pos):
                end = self.pattern.find(":]", self.pos + 2)
                if end == -1:
                    self.refuse("A [:class:] is not closed.")
                self.pos = end + 2
                continue
            if char == "[":
                self.refuse("Nested '[' in a class: escape it as \\[.")
            self.pos += 1
        self.refuse("A character class opened with '[' is not closed.", start)

    def open_group(self) -> None:
        start = self.pos
        if self.pattern.startswith("(?", self.pos):
            if not self.pattern.startswith("(?:", self.pos):
                self.refuse("Look-arounds and inline flags (?…) are not supported; only (?:…) groups.", start)
            self.pos += 3
        else:
            self.pos += 1
        self.stack.append(_Group(start=start))
        self.last_atom = None

    def close_group(self) -> None:
        if len(self.stack) == 1:
            self.refuse("')' closes no group: escape it as \\).")
        group = self.stack.pop()
        self.pos += 1
        if group.repeats_inside:
            self.stack[-1].repeats_inside = True
        self.last_atom = ("group", group)

    def quantifier(self) -> None:
        start = self.pos
        char = self.pattern[self.pos]
        if self.last_atom is None:
            self.refuse(f"'{char}' repeats nothing: escape it as \\{char}.", start)
        if char == "{":
            end = self.pattern.find("}", self.pos)
            bounds = self.pattern[self.pos + 1:end] if end != -1 else ""
            lower, _, upper = bounds.partition(",")
            if end == -1 or not lower.isdigit() or (upper and not upper.isdigit()):
                self.refuse("A repetition {m}, {m,} or {m,n} is malformed: escape a literal '{' as \\{.", start)
            if int(lower) > MAX_BOUND or (upper and int(upper) > MAX_BOUND):
                self.refuse(f"Repetition counts go up to {MAX_BOUND}.", start)
            if upper and int(upper) < int(lower):
                self.refuse("In {m,n}, n must not be smaller than m.", start)
            self.pos = end + 1
        else:
            self.pos += 1
        if self.pos < len(self.pattern) and self.pattern[self.pos] == "?":
            self.pos += 1  # lazy
        if self.pos < len(self.pattern) and self.pattern[self.pos] in "*+{":
            self.refuse("Two repetitions in a row are not supported.", self.pos)
        kind, group = self.last_atom
        if kind == "group" and (group.repeats_inside or group.alternates):
            self.refuse(
                "A repeated group that itself repeats or has alternatives can take exponential time "
                "(as in (a+)+ or (a|b)*): rewrite it, e.g. with a character class.", group.start
            )
        self.repetitions += 1
        if self.repetitions > MAX_REPETITIONS:
            self.refuse(f"A pattern may repeat at most {MAX_REPETITIONS} times.", start)
        self.stack[-1].repeats_inside = True
        self.last_atom = None
