"""The parsed form of a query: terms combined with all / any / not."""

from __future__ import annotations

from dataclasses import dataclass, field


class QueryError(ValueError):
    """A query that cannot run: `position` is the character offset in the text
    form; `term` the index in the structured form (and `part` its key)."""

    def __init__(self, message: str, *, position: int | None = None, term: int | None = None, part: str | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        self.term = term
        self.part = part

    def __str__(self) -> str:
        if self.position is not None:
            return f"At position {self.position}: {self.message}"
        if self.term is not None:
            return f"terms[{self.term}]{'.' + self.part if self.part else ''}: {self.message}"
        return self.message


@dataclass(frozen=True)
class Term:
    field: str
    op: str
    params: tuple[str, ...]
    ignore_case: bool = True
    #: where the term's field, operator and value start (text form) …
    field_position: int | None = None
    op_position: int | None = None
    value_position: int | None = None
    #: … or which structured term it is
    index: int | None = None

    def error(self, message: str, part: str) -> QueryError:
        """A QueryError pointing at this term's `field`, `op` or `params`."""
        position = {"field": self.field_position, "op": self.op_position, "params": self.value_position}[part]
        if self.index is not None:
            return QueryError(message, term=self.index, part=part)
        return QueryError(message, position=position)


@dataclass(frozen=True)
class All:
    children: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Any:
    children: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Not:
    child: object
