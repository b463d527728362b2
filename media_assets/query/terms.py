"""The structured form: CatDV's QueryDefinition terms, checked one by one.

Every term without `logicalOR` must hold; of the terms with it, at least
one must (CatDV requires two or more such terms). `logicalNOT` negates a
term; `ignoreCase` (default true) makes text comparisons case-insensitive.
`params` is a string, a number, or a list of them; for operators taking
several values a string is split at commas or newlines.
"""

from __future__ import annotations

import re

from media_assets.query.nodes import All, Any, Not, QueryError, Term
from media_assets.query.parser import MULTI_VALUE_OPERATORS, NO_VALUE_OPERATORS, OPERATOR_BY_LOWER, OPERATORS

MAX_TERMS = 200
_KEYS = {"field", "op", "params", "logicalOR", "logicalNOT", "ignoreCase"}
_SPLIT = re.compile(r"[,\n]")


def parse_terms(terms) -> object:
    """The tree of a list of QueryTerm objects; QueryError naming the term at fault."""
    if not isinstance(terms, list) or not terms:
        raise QueryError("terms must be a non-empty list of {field, op, params} objects.", part="terms")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"A query has at most {MAX_TERMS} terms.", part="terms")
    required, alternatives = [], []
    for index, raw in enumerate(terms):
        node, is_or = _term(index, raw)
        (alternatives if is_or else required).append(node)
    if len(alternatives) == 1:
        index = next(i for i, raw in enumerate(terms) if raw.get("logicalOR"))
        raise QueryError("logicalOR needs at least two OR terms (one of them must hold).", term=index, part="logicalOR")
    if alternatives:
        required.append(Any(tuple(alternatives)))
    return required[0] if len(required) == 1 else All(tuple(required))


def _term(index: int, raw) -> tuple[object, bool]:
    if not isinstance(raw, dict):
        raise QueryError("Each term is an object {field, op, params}.", term=index)
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise QueryError(f"Unknown keys {', '.join(unknown)}; a term has {', '.join(sorted(_KEYS))}.", term=index)
    field = raw.get("field")
    if not isinstance(field, str) or not field.strip():
        raise QueryError("field is required: a field name such as clip.name.", term=index, part="field")
    op_text = raw.get("op")
    op = OPERATOR_BY_LOWER.get(op_text.lower()) if isinstance(op_text, str) else None
    if op is None:
        raise QueryError(f"op must be one of {', '.join(OPERATORS)}.", term=index, part="op")
    flags = {}
    for key, default in (("logicalOR", False), ("logicalNOT", False), ("ignoreCase", True)):
        value = raw.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, bool):
            raise QueryError(f"{key} must be true or false.", term=index, part=key)
        flags[key] = value
    params = _params(index, raw.get("params"), op)
    term = Term(field.strip(), op, params, flags["ignoreCase"], index=index)
    return (Not(term) if flags["logicalNOT"] else term), flags["logicalOR"]


def _params(index: int, value, op: str) -> tuple[str, ...]:
    if op in NO_VALUE_OPERATORS:
        return ()
    if value is None:
        raise QueryError(f"{op} needs params.", term=index, part="params")
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise QueryError("params must be text, a number, or a list of them.", term=index, part="params")
        texts.append(str(item))
    if op in MULTI_VALUE_OPERATORS and not isinstance(value, list):
        texts = [part for part in _SPLIT.split(texts[0])]
    return tuple(texts)
