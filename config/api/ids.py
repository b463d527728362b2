"""The one grammar of an object id in a URL, for routers and hand-written routes alike.

Ids are ASCII digits, at most 18 of them (every value a 64-bit id column
holds): `+1`, `1 `, `٣`, `²` and a 5,000-digit number name nothing, so they
are a 404 on every method before a view sees them. Routers take `ID_REGEX`
as `lookup_value_regex`; hand-written routes say `<id:pk>`, the converter
registered at start-up (`config.apps`), never Django's `<int:>`, which takes
any number of digits.
"""

#: `[0-9]`, not `\d`, which takes every script's digits
ID_REGEX = "[0-9]{1,18}"


class IdConverter:
    """`<id:name>` in a path: the strict id grammar, given to the view as an int."""

    regex = ID_REGEX

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
