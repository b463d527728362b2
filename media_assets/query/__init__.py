"""CatDV's clip query language, compiled to one database query.

Two forms say the same thing:

* the filter syntax of `?query=`: terms `((field)op(value))` joined with
  `and` / `or`, grouped with parentheses, negated with `!`, e.g.
  `((clip.name)has(car))and(((clip.status)eq(OK))or(!((user.rating)lt(3))))`;
  `~28 ~29 ~7E ~2C` (any `~` and two hex digits) escape `( ) ~ ,` in values;
* the structured form of CatDV's QueryDefinition: a list of terms
  `{field, op, params, logicalOR, logicalNOT, ignoreCase}`.

`parser` and `terms` turn either into the same tree (`nodes`); `compiler`
turns the tree into a Django `Q` over assets, using `fields` to know each
field's type and `lookups` for the operators Django lacks (SQL LIKE,
guarded regex, JSON picklist membership) on SQLite and PostgreSQL alike.
Errors are `QueryError`s carrying the position (or the term) at fault.
"""

from media_assets.query.compiler import QueryContext, compile_query
from media_assets.query.nodes import QueryError
from media_assets.query.parser import parse_query
from media_assets.query.terms import parse_terms

__all__ = ["QueryContext", "QueryError", "compile_query", "parse_query", "parse_terms"]
