"""The query language's two forms parse to the same tree; malformed queries point at the error."""

import pytest

from media_assets.query import QueryError, parse_query, parse_terms
from media_assets.query.nodes import Not, Term


def term(field, op, *params, **extra):
    return Term(field, op, tuple(params), **extra)


def shape(node):
    """The tree without positions, for comparing."""
    if isinstance(node, Term):
        return (node.field, node.op, node.params)
    if isinstance(node, Not):
        return ("not", shape(node.child))
    return (type(node).__name__.lower(), tuple(shape(child) for child in node.children))


@pytest.mark.parametrize("text, expected", [
    ("((clip.name)has(car))", ("clip.name", "has", ("car",))),
    ("((clip.name)has(car))and((catalog.name)eq(Rushes))",
     ("all", (("clip.name", "has", ("car",)), ("catalog.name", "eq", ("Rushes",))))),
    ("((a)eq(1)) or ((b)eq(2)) AND ((c)eq(3))",
     ("any", (("a", "eq", ("1",)), ("all", (("b", "eq", ("2",)), ("c", "eq", ("3",))))))),
    ("(((a)eq(1))or((b)eq(2)))and((c)eq(3))",
     ("all", (("any", (("a", "eq", ("1",)), ("b", "eq", ("2",)))), ("c", "eq", ("3",))))),
    ("!((clip.status)eq(Done))", ("not", ("clip.status", "eq", ("Done",)))),
    ("((clip.status)!eq(Done))", ("not", ("clip.status", "eq", ("Done",)))),
    ("!(((a)eq(1))or((b)eq(2)))", ("not", ("any", (("a", "eq", ("1",)), ("b", "eq", ("2",)))))),
    ("((clip.name)eq(Car ~28red~29 ~7E 100~25))", ("clip.name", "eq", ("Car (red) ~ 100%",))),
    ("((clip.status)isOneOf(New,Logged~2C maybe))", ("clip.status", "isOneOf", ("New", "Logged, maybe"))),
    ("((clip.recordedDate)between(2024-01-01,2024-06-30))",
     ("clip.recordedDate", "between", ("2024-01-01", "2024-06-30"))),
    ("((clip.notes)ISBLANK())", ("clip.notes", "isBlank", ())),
    ("((clip.name)HAS(x))", ("clip.name", "has", ("x",))),
])
def test_the_filter_syntax(text, expected):
    assert shape(parse_query(text)) == expected


@pytest.mark.parametrize("text, position, message", [
    ("((clip.name)has(car)", 20, "expected ')' to close the term"),
    ("((clip.name)has(c(a)r))", 17, "unescaped '('"),
    ("((clip.name)hass(car))", 12, "unknown operator 'hass'"),
    ("((clip.name)has(car))andd((a)eq(1))", 21, "expected 'and', 'or'"),
    ("((clip.name)has(car)) and", 25, "expected '('"),
    ("((clip.name)has(car~2))", 19, "'~' starts an escape"),
    ("((clip.name)has(car", 19, "the value that starts at position 16 is not closed"),
    ("", 0, "empty"),
    ("clip.name has car", 0, "expected '('"),
    ("(()eq(1))", 2, "expected a field name"),
    ("( )", 2, "empty parentheses"),
    ("((clip.name)(car))", 12, "expected an operator"),
    ("((a)eq(1))or", 12, "expected '('"),
])
def test_a_malformed_query_says_where(text, position, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert caught.value.position == position and message in str(caught.value)
    assert f"At position {position}" in str(caught.value)


def test_the_structured_form_means_the_same():
    terms = [
        {"field": "clip.name", "op": "has", "params": "car"},
        {"field": "clip.status", "op": "eq", "params": "New", "logicalOR": True},
        {"field": "clip.status", "op": "eq", "params": "Logged", "logicalOR": True, "logicalNOT": True},
        {"field": "clip.tape", "op": "isOneOf", "params": "A001,A002", "ignoreCase": False},
    ]
    node = parse_terms(terms)
    assert shape(node) == ("all", (
        ("clip.name", "has", ("car",)), ("clip.tape", "isOneOf", ("A001", "A002")),
        ("any", (("clip.status", "eq", ("New",)), ("not", ("clip.status", "eq", ("Logged",))))),
    ))
    assert node.children[1].ignore_case is False and node.children[0].ignore_case is True


@pytest.mark.parametrize("terms, index, part", [
    ([{"field": "clip.name", "op": "contains", "params": "x"}], 0, "op"),
    ([{"op": "eq", "params": "x"}], 0, "field"),
    ([{"field": "a", "op": "eq", "params": "x"}, {"field": "b", "op": "eq", "params": "y", "logicalOR": True}], 1, "logicalOR"),
    ([{"field": "a", "op": "eq"}], 0, "params"),
    ([{"field": "a", "op": "eq", "params": "x", "ignoreCase": "yes"}], 0, "ignoreCase"),
    ([{"field": "a", "op": "eq", "params": {"x": 1}}], 0, "params"),
    ([{"field": "a", "op": "eq", "params": "x", "colour": "red"}], 0, None),
    (["((a)eq(1))"], 0, None),
])
def test_a_bad_term_is_named(terms, index, part):
    with pytest.raises(QueryError) as caught:
        parse_terms(terms)
    assert caught.value.term == index and caught.value.part == part


def test_terms_must_be_a_list():
    with pytest.raises(QueryError):
        parse_terms({"field": "a"})
    with pytest.raises(QueryError):
        parse_terms([])
