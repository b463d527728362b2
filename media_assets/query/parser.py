"""The text form: CatDV's filter syntax, parsed with positions for every error.

    query   := expr
    expr    := and-expr ( "or" and-expr )*
    and-expr:= unary ( "and" unary )*
    unary   := "!" unary | "(" expr ")" | term
    term    := "((" field ")" ["!"] op "(" value "))"

A term is told from a group by what follows its two opening parentheses:
a field name, not another "(" or "!". `and`/`or` are case-insensitive and
may be surrounded by spaces; `and` binds tighter than `or`. In a value,
"(" and ")" must be escaped as ~28 and ~29, "~" as ~7E, and (for operators
taking several values, separated by commas) "," as ~2C; any `~` followed by
two hex digits stands for that character.
"""

from __future__ import annotations

import re

from media_assets.query.nodes import All, Any, Not, QueryError, Term

#: canonical operator names, looked up case-insensitively
OPERATORS = (
    "eq", "has", "startsWith", "endsWith", "isBlank", "isOneOf", "hasOneOf", "hasAll", "like", "hasWord",
    "regex", "lt", "le", "gt", "ge", "between", "older", "newer", "isTrue", "isFalse",
)
OPERATOR_BY_LOWER = {name.lower(): name for name in OPERATORS}
MULTI_VALUE_OPERATORS = frozenset({"isOneOf", "hasOneOf", "hasAll", "between"})
NO_VALUE_OPERATORS = frozenset({"isBlank", "isTrue", "isFalse"})
MAX_QUERY_LENGTH = 10_000
MAX_DEPTH = 50
_FIELD_CHARS = re.compile(r"[A-Za-z0-9_.\[\]\- ]+")
_OP_CHARS = re.compile(r"[A-Za-z]+")
_ESCAPE = re.compile(r"~([0-9A-Fa-f]{2})")


def parse_query(text: str):
    """The tree of a query in filter syntax; QueryError (with the position) if it is malformed."""
    if not isinstance(text, str) or not text.strip():
        raise QueryError("The query is empty.", position=0)
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"The query is longer than {MAX_QUERY_LENGTH} characters.", position=MAX_QUERY_LENGTH)
    parser = _Parser(text)
    node = parser.expression(depth=0)
    parser.skip_spaces()
    if parser.pos < len(text):
        raise parser.error("expected 'and', 'or' or the end of the query")
    return node


def split_values(raw: str, op: str) -> list[str]:
    """A value's parameters: comma-separated for multi-value operators, then unescaped."""
    parts = raw.split(",") if op in MULTI_VALUE_OPERATORS else [raw]
    return [unescape(part) for part in parts]


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    # -- helpers ----------------------------------------------------------

    def error(self, message: str, position: int | None = None) -> QueryError:
        position = self.pos if position is None else position
        found = self.text[position:position + 12]
        near = f" (found {found!r})" if found else " (found the end of the query)"
        return QueryError(f"{message}{near}.", position=position)

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected '{char}' {what}")
        self.pos += 1

    def keyword(self) -> str | None:
        """'and' or 'or' at the current position (consumed), else None."""
        self.skip_spaces()
        for word in ("and", "or"):
            end = self.pos + len(word)
            if self.text[self.pos:end].lower() == word and not self.text[end:end + 1].isalpha():
                self.pos = end
                return word
        return None

    # -- grammar ----------------------------------------------------------

    def expression(self, depth: int):
        if depth > MAX_DEPTH:
            raise self.error(f"the query nests deeper than {MAX_DEPTH} levels")
        groups = [[self.unary(depth)]]
        while True:
            mark = self.pos
            word = self.keyword()
            if word is None:
                self.pos = mark
                break
            self.skip_spaces()
            if word == "or":
                groups.append([])
            groups[-1].append(self.unary(depth))
        alternatives = [group[0] if len(group) == 1 else All(tuple(group)) for group in groups]
        return alternatives[0] if len(alternatives) == 1 else Any(tuple(alternatives))

    def unary(self, depth: int):
        self.skip_spaces()
        if self.peek() == "!":
            self.pos += 1
            return Not(self.unary(depth + 1))
        if self.peek() != "(":
            raise self.error("expected '(' to start a term ((field)op(value)) or a group")
        if self.peek(1) == "(" and self.peek(2) not in ("(", "!", ""):
            return self.term()
        start = self.pos
        self.pos += 1
        self.skip_spaces()
        if self.peek() == ")":
            raise self.error("empty parentheses")
        node = self.expression(depth + 1)
        self.skip_spaces()
        if self.peek() != ")":
            raise self.error(f"expected ')' to close the group opened at position {start}")
        self.pos += 1
        return node

    def term(self):
        self.pos += 2  # "(("
        field_position = self.pos
        match = _FIELD_CHARS.match(self.text, self.pos)
        if match is None:
            raise self.error("expected a field name such as clip.name")
        field = match.group(0).strip()
        self.pos = match.end()
        self.expect(")", "after the field name")
        negate = False
        if self.peek() == "!":
            negate = True
            self.pos += 1
        op_position = self.pos
        match = _OP_CHARS.match(self.text, self.pos)
        if match is None:
            raise self.error("expected an operator such as eq, has or between")
        op = OPERATOR_BY_LOWER.get(match.group(0).lower())
        if op is None:
            raise QueryError(
                f"unknown operator {match.group(0)!r}; use one of {', '.join(OPERATORS)}.", position=op_position
            )
        self.pos = match.end()
        self.expect("(", f"after the operator {op}")
        value_position = self.pos
        raw = self.value()
        self.expect(")", "to close the value")
        self.expect(")", "to close the term")
        if op in NO_VALUE_OPERATORS:
            params: tuple[str, ...] = ()
        else:
            params = tuple(split_values(raw, op))
        term = Term(field, op, params, True, field_position, op_position, value_position)
        return Not(term) if negate else term

    def value(self) -> str:
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == ")":
                return self.text[start:self.pos]
            if char == "(":
                raise self.error("an unescaped '(' in a value: write ~28 (and ~29 for ')')")
            if char == "~" and not _ESCAPE.match(self.text, self.pos):
                raise self.error("'~' starts an escape such as ~28 '(' ~29 ')' ~2C ',' — write ~7E for a literal '~'")
            self.pos += 1
        raise self.error(f"the value that starts at position {start} is not closed with ')'")
