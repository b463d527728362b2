"""The SQL the query operators need beyond Django's own lookups, for SQLite and PostgreSQL.

* `StrictContains` / `StrictStartsWith` / `StrictEndsWith`: case-sensitive
  text matches. Django's versions use LIKE, which SQLite compares without
  regard to case; here SQLite uses INSTR / SUBSTR instead.
* `Like` / `ILike`: SQL LIKE with the client's own `%` and `_` wildcards
  (SQLite's case-sensitive form is GLOB, with the pattern translated).
* `Regex` / `IRegex`: a pattern already passed by `regex_guard`; PostgreSQL
  runs `~` / `~*`, SQLite a `montage_regexp()` function registered on each
  connection, running the `regex` module under a time limit.
* `JSONHas`: a user field holds a value (or, for multi-choice picklists, has
  it among its values). PostgreSQL asks `user_fields @> '{...}'`, which the
  GIN index answers; SQLite uses json_extract / json_each.
"""

from __future__ import annotations

import functools
import json
import logging

import regex
from django.db.models import BooleanField, Expression, F, Lookup
from django.db.models.lookups import Contains, EndsWith, StartsWith

log = logging.getLogger("montage.query")

#: the longest one regex match may run on SQLite before it counts as no match
REGEX_TIMEOUT_SECONDS = 0.25


class StrictContains(Contains):
    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"INSTR({lhs}, %s) > 0", [*params, self.rhs]


class StrictStartsWith(StartsWith):
    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"SUBSTR({lhs}, 1, %s) = %s", [*params, len(self.rhs), self.rhs]


class StrictEndsWith(EndsWith):
    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"(LENGTH({lhs}) >= %s AND SUBSTR({lhs}, -%s) = %s)", [*params, len(self.rhs), *params, len(self.rhs), self.rhs]


class _PatternLookup(Lookup):
    prepare_rhs = False
    operator = ""

    def pattern_sql(self, compiler, connection, operator: str, pattern):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} {operator} %s", [*params, pattern]


class Like(_PatternLookup):
    """SQL LIKE, case-sensitive."""

    lookup_name = "montage_like"

    def as_sql(self, compiler, connection):
        return self.pattern_sql(compiler, connection, "LIKE", self.rhs)

    def as_sqlite(self, compiler, connection):
        return self.pattern_sql(compiler, connection, "GLOB", like_to_glob(self.rhs))


class ILike(_PatternLookup):
    lookup_name = "montage_ilike"

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"UPPER({lhs}) LIKE UPPER(%s) ESCAPE '\\'", [*params, self.rhs]

    def as_postgresql(self, compiler, connection):
        return self.pattern_sql(compiler, connection, "ILIKE", self.rhs)


def like_to_glob(pattern: str) -> str:
    """A LIKE pattern (`%`, `_`, backslash escapes) as the GLOB pattern that means the same."""
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(f"[{char}]" if char in "*?[" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append("*")
        elif char == "_":
            out.append("?")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out)


class Regex(_PatternLookup):
    lookup_name = "montage_regex"
    ignore_case = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"montage_regexp(%s, {lhs}, %s)", [self.rhs, *params, int(self.ignore_case)]

    def as_postgresql(self, compiler, connection):
        return self.pattern_sql(compiler, connection, "~*" if self.ignore_case else "~", self.rhs)


class IRegex(Regex):
    lookup_name = "montage_iregex"
    ignore_case = True


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, ignore_case: bool):
    return regex.compile(pattern, flags=regex.DOTALL | (regex.IGNORECASE if ignore_case else 0))


def sqlite_regexp(pattern, value, ignore_case) -> int:
    if pattern is None or value is None:
        return 0
    try:
        return int(_compiled(pattern, bool(ignore_case)).search(str(value), timeout=REGEX_TIMEOUT_SECONDS) is not None)
    except TimeoutError:
        log.warning("regex %r ran past %ss on one value; counted as no match", pattern, REGEX_TIMEOUT_SECONDS)
        return 0
    except regex.error:
        return 0


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: gives SQLite connections montage_regexp()."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("montage_regexp", 3, sqlite_regexp, deterministic=True)


class JSONHas(Expression):
    """`column` (a JSON object) has `value` under `key`; or among the list there when `many`.

    `scan=True` asks for the form that is cheaper to evaluate row by row
    (facet counts over every row) rather than the one the GIN index answers.
    """

    output_field = BooleanField()

    def __init__(self, column: str, key: str, value, *, many: bool = False, scan: bool = False):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.key, self.value, self.many, self.scan = key, value, many, scan

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        path = f'$."{self.key}"'
        if self.many:
            return (
                f"EXISTS (SELECT 1 FROM json_each({column}, %s) AS item WHERE item.value = %s)",
                [*params, path, self.value],
            )
        return f"COALESCE(json_extract({column}, %s) = %s, 0)", [*params, path, self.value]

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if self.scan and self.many and isinstance(self.value, str):
            return f"jsonb_exists({column} -> %s, %s)", [*params, self.key, self.value]
        document = {self.key: [self.value] if self.many else self.value}
        return f"{column} @> %s::jsonb", [*params, json.dumps(document)]
