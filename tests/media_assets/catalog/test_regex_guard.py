"""Regular expressions in queries: a safe subset, refused with the reason and where."""

import pytest

from media_assets.query.lookups import like_to_glob, sqlite_regexp
from media_assets.query.regex_guard import RegexRefused, check_regex


@pytest.mark.parametrize("pattern", [
    r"^car", r"car$", r"c.r", r"[a-z]+\d{2,4}", r"(?:red|blue) car", r"colou?r", r"[[:alpha:]]+", r"a{3}",
    r"\.mp4$", r"(take|shot) \d+", r"[^)]+", r"x*?y", r"\w+\s\w+",
])
def test_safe_patterns_pass(pattern):
    check_regex(pattern)


@pytest.mark.parametrize("pattern, offset, reason", [
    (r"(a+)+$", 0, "exponential"),
    (r"(a|aa)*b", 0, "exponential"),
    (r"((ab)*)*", 0, "exponential"),
    (r"(\w+\s?)*$", 0, "exponential"),
    (r"(a)\1", 3, "Back-references"),
    (r"(?=a)b", 0, "Look-arounds"),
    (r"(?i)car", 0, "inline flags"),
    (r"\bcar\b", 0, "hasWord"),
    (r"*a", 0, "repeats nothing"),
    (r"a**", 2, "Two repetitions"),
    (r"a{2000}", 1, "up to 1000"),
    (r"a{3,1}", 1, "smaller than m"),
    (r"(abc", 0, "never closed"),
    (r"abc)", 3, "closes no group"),
    (r"[abc", 0, "not closed"),
    (r"\p{L}", 0, "not supported"),
    ("a" * 300, 256, "longer than"),
    (r"a*b*c*d*e*f*g*h*i*j*k*", 21, "at most 10"),
])
def test_dangerous_or_unportable_patterns_are_refused(pattern, offset, reason):
    with pytest.raises(RegexRefused) as caught:
        check_regex(pattern)
    assert reason in caught.value.message and caught.value.offset == offset


def test_the_sqlite_function_gives_up_on_a_runaway_match_instead_of_hanging():
    # Only reachable if a pattern got past the guard: the time limit still holds.
    assert sqlite_regexp(r"(a|aa)*$", "a" * 40 + "b", 0) == 0
    assert sqlite_regexp("^CAR", "car park", 1) == 1 and sqlite_regexp("^CAR", "car park", 0) == 0


@pytest.mark.parametrize("like, glob", [("car%", "car*"), ("c_r", "c?r"), (r"100\%", "100%"), ("a*b", "a[*]b")])
def test_like_patterns_translate_to_glob(like, glob):
    assert like_to_glob(like) == glob
