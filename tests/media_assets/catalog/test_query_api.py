"""?query= and POST /assets/search/: every operator, on built-in fields, markers and user fields, in one query."""

import datetime as dt

import pytest

from media_assets.catalog.models import Asset, Catalog, Marker, MetadataField
from tests.factories import ok

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc


@pytest.fixture
def library(user):
    rushes = Catalog.objects.create(owner=user, name="Rushes")
    archive = Catalog.objects.create(owner=user, name="Archive")
    for identifier, kind, options in [
        ("genre", "choice", ["Drama", "Comedy", "News"]), ("tags", "multichoice", ["car", "night", "rain"]),
        ("rating", "integer", []), ("price", "decimal", []), ("shoot_day", "date", []), ("delivered", "datetime", []),
        ("approved", "boolean", []), ("title", "text", []),
    ]:
        MetadataField.objects.create(identifier=identifier, name=identifier, type=kind, options=options)

    def asset(catalog, name, **fields):
        return Asset.objects.create(catalog=catalog, created_by=user, name=name, **fields)

    red = asset(rushes, "Red car chase", status="New", notes="A red car at night", bin="Day 1",
                recorded_date=dt.datetime(2024, 3, 10, 10, tzinfo=UTC), out_frm=250, duration_secs=10.0,
                user_fields={"genre": "Drama", "tags": ["car", "night"], "rating": 4, "price": 9.5, "approved": True,
                             "shoot_day": "2024-03-10", "delivered": "2024-03-11T09:00:00Z", "title": "Chase (take 1)"})
    blue = asset(rushes, "Blue car parked", status="Logged", bin="Day 2",
                 recorded_date=dt.datetime(2024, 6, 30, 23, tzinfo=UTC), out_frm=50, duration_secs=2.0,
                 user_fields={"genre": "Comedy", "tags": ["car"], "rating": 2, "approved": False, "shoot_day": "2024-06-30"})
    asset(archive, "Interview ~ CEO", status="logged", type="audio", notes="talks about cars and careers", out_frm=1500,
          duration_secs=60.0, user_fields={"genre": "News", "rating": 5, "tags": ["rain"], "price": 100}, tape="T-100%")
    asset(rushes, "Sunset", type="still", recorded_date=dt.datetime(2023, 12, 31, 18, tzinfo=UTC))
    Marker.objects.create(asset=red, name="Crash", category="Action", in_frm=100, description="the big one")
    Marker.objects.create(asset=blue, name="Smile", category="Faces", in_frm=10, out_frm=20)
    return rushes


def names(api, query, **params):
    data = ok(api.get("/assets/", {"query": query, "page_size": 100, **params}))
    return {asset["name"] for asset in data["results"]}


RED, BLUE, CEO, SUNSET = "Red car chase", "Blue car parked", "Interview ~ CEO", "Sunset"
ALL = {RED, BLUE, CEO, SUNSET}


@pytest.mark.parametrize("query, expected", [
    # text operators, case-insensitive
    ("((clip.name)has(CAR))", {RED, BLUE}),
    ("((clip.name)eq(sunset))", {SUNSET}),
    ("((clip.name)startsWith(red))", {RED}),
    ("((clip.name)endsWith(PARKED))", {BLUE}),
    ("((clip.notes)isBlank())", {BLUE, SUNSET}),
    ("((clip.status)isOneOf(new,LOGGED))", {RED, BLUE, CEO}),
    ("((clip.notes)hasOneOf(night careers))", {RED, CEO}),
    ("((clip.notes)hasAll(red,night))", {RED}),
    ("((clip.name)like(%car_p%))", {BLUE}),
    ("((clip.notes)hasWord(car))", {RED}),
    ("((clip.notes)regex(^a red|careers$))", {RED, CEO}),
    ("((clip.name)has(~7E))", {CEO}),
    ("((clip.tape)has(100%))", {CEO}),
    ("((clip.name)like(%~7E%))", {CEO}),
    ("((clip.type)isOneOf(audio,still))", {CEO, SUNSET}),
    ("((catalog.name)eq(archive))", {CEO}),
    # negation, and/or groups
    ("!((clip.name)has(car))", {CEO, SUNSET}),
    ("((clip.name)!has(car))", {CEO, SUNSET}),
    ("((clip.name)has(car))and((clip.status)eq(logged))", {BLUE}),
    ("((clip.name)has(sunset))or((clip.status)eq(new))", {SUNSET, RED}),
    ("!(((clip.name)has(sunset))or((clip.status)eq(new)))", {BLUE, CEO}),
    ("((clip.name)has(car))and(((clip.bin)eq(Day 1))or((clip.bin)eq(Day 2)))", {RED, BLUE}),
    # numbers and durations
    ("((clip.duration)gt(5))", {RED, CEO}),
    ("((clip.duration)le(0:10))", {RED, BLUE, SUNSET}),
    ("((clip.duration)between(1,10))", {RED, BLUE}),
    ("((clip.out)eq(250))", {RED}),
    # dates
    ("((clip.recordedDate)between(2024-01-01,2024-06-30))", {RED, BLUE}),
    ("((clip.recordedDate)eq(2024-03-10))", {RED}),
    ("((clip.recordedDate)lt(2024-01-01))", {SUNSET}),
    ("((clip.recordedDate)gt(2024-03-10))", {BLUE}),
    ("((clip.recordedDate)ge(2024-03-10T10:00:00Z))", {RED, BLUE}),
    ("((clip.recordedDate)isBlank())", {CEO}),
    ("!((clip.recordedDate)lt(2024-01-01))", {RED, BLUE, CEO}),
    ("((clip.createdDate)newer(1d))", ALL),
    ("((clip.modifiedDate)older(2w))", set()),
    # markers
    ("((marker.name)eq(crash))", {RED}),
    ("((marker.category)isOneOf(Faces,Action))", {RED, BLUE}),
    ("!((marker.name)has(crash))", {BLUE, CEO, SUNSET}),
    ("((marker.out)isBlank())", {RED}),
    ("((marker.in)lt(50))", {BLUE}),
    ("((clip.hasMarkers)isTrue())", {RED, BLUE}),
    # user fields
    ("((user.genre)isOneOf(drama,news))", {RED, CEO}),
    ("((user.genre)eq(Comedy))", {BLUE}),
    ("!((user.genre)eq(Comedy))", {RED, CEO, SUNSET}),
    ("((user.genre)isBlank())", {SUNSET}),
    ("((user.tags)hasOneOf(night,rain))", {RED, CEO}),
    ("((user.tags)hasAll(car,night))", {RED}),
    ("((user.tags)eq(car))", {RED, BLUE}),
    ("((user.rating)ge(4))", {RED, CEO}),
    ("((user.rating)between(2,4))", {RED, BLUE}),
    ("!((user.rating)gt(3))", {BLUE, SUNSET}),
    ("((user.price)lt(10))", {RED}),
    ("((user.approved)isTrue())", {RED}),
    ("((user.approved)isFalse())", {BLUE, CEO, SUNSET}),
    ("((user.shoot_day)between(2024-03-01,2024-03-31))", {RED}),
    ("((user.shoot_day)eq(2024-06-30))", {BLUE}),
    ("((user.delivered)gt(2024-03-10))", {RED}),
    ("((user.title)has(~28take))", {RED}),
    ("((clip.userFields[genre])eq(news))", {CEO}),
    ("((genre)eq(news))", {CEO}),
])
def test_operators(api, library, query, expected):
    assert names(api, query) == expected


def test_older_and_newer_count_back_from_now(api, library):
    days_since_2024 = (dt.datetime.now(UTC) - dt.datetime(2024, 1, 1, tzinfo=UTC)).days
    assert names(api, f"((clip.recordedDate)older({days_since_2024}))") == {SUNSET}
    assert names(api, f"((clip.recordedDate)newer({days_since_2024}))") == {RED, BLUE}
    assert names(api, f"((user.shoot_day)newer({days_since_2024}))") == {RED, BLUE}


def test_ignore_case_false_is_case_sensitive(api, library):
    search = lambda terms: {a["name"] for a in ok(api.post("/assets/search/", {"terms": terms}, format="json"))["results"]}  # noqa: E731
    assert search([{"field": "clip.name", "op": "has", "params": "red", "ignoreCase": False}]) == set()
    assert search([{"field": "clip.name", "op": "has", "params": "Red", "ignoreCase": False}]) == {RED}
    assert search([{"field": "clip.name", "op": "startsWith", "params": "red", "ignoreCase": False}]) == set()
    assert search([{"field": "clip.name", "op": "eq", "params": "sunset", "ignoreCase": False}]) == set()
    assert search([{"field": "clip.name", "op": "like", "params": "red%", "ignoreCase": False}]) == set()
    assert search([{"field": "clip.name", "op": "like", "params": "Red%", "ignoreCase": False}]) == {RED}


def test_the_structured_form_with_or_and_not_terms(api, library):
    body = {"terms": [
        {"field": "clip.name", "op": "has", "params": "car", "logicalOR": True},
        {"field": "user.genre", "op": "eq", "params": "News", "logicalOR": True},
        {"field": "clip.status", "op": "eq", "params": "Logged", "logicalNOT": True},
    ]}
    data = ok(api.post("/assets/search/?ordering=name", body, format="json"))
    assert [asset["name"] for asset in data["results"]] == [RED]


def test_a_query_is_one_database_query(api, library, django_assert_num_queries):
    query = ("((clip.name)has(car))and(((marker.category)eq(Action))or((user.tags)hasOneOf(rain)))"
             "and((clip.recordedDate)newer(5000))")
    # token, user field definitions, count, page: nothing is filtered in Python
    with django_assert_num_queries(4):
        assert names(api, query) == {RED}


def test_a_malformed_query_is_a_400_with_the_position(api, library):
    response = api.get("/assets/", {"query": "((clip.name)has(car)"})
    assert response.status_code == 400 and response.data["position"] == 20
    assert "At position 20" in str(response.data["query"])


@pytest.mark.parametrize("query, position, message", [
    ("((clip.nmae)has(car))", 2, "Did you mean clip.name"),
    ("((clip.name)lt(car))", 12, "does not apply to clip.name, a text field"),
    ("((clip.duration)gt(long))", 19, "not a duration"),
    ("((clip.recordedDate)eq(March))", 23, "not a date"),
    ("((clip.recordedDate)older(ages))", 26, "not an age"),
    ("((user.genre)eq(Horror))", 16, "not an option of user.genre: Drama, Comedy, News"),
    ("((clip.type)eq(movie))", 15, "not an option of clip.type"),
    ("((user.rating)between(1))", 22, "two values"),
    ("((clip.name)regex((a+)+))", 18, "unescaped"),
    ("((clip.name)regex(~28a+~29+$))", 18, "exponential"),
    ("((clip.name)has())", 16, "needs a value"),
    ("((user.tags)has(car))", 12, "does not apply"),
    ("((user.nothing)eq(1))", 2, "Unknown field"),
])
def test_a_query_that_cannot_run_is_a_400_pointing_at_the_term(api, library, query, position, message):
    response = api.get("/assets/", {"query": query})
    assert response.status_code == 400, response.data
    assert response.data["position"] == position and message in str(response.data["query"]), response.data


def test_a_bad_structured_term_is_named(api, library):
    response = api.post("/assets/search/", {"terms": [
        {"field": "clip.name", "op": "has", "params": "x"}, {"field": "clip.name", "op": "gt", "params": "x"}]}, format="json")
    assert response.status_code == 400 and "does not apply" in str(response.data["terms"]["1"]["op"])
    assert api.post("/assets/search/", {}, format="json").status_code == 400


def test_queries_see_only_readable_catalogs(other_api, library):
    assert names(other_api, "((clip.name)has(car))") == set()


def test_simple_filters_and_user_field_parameters(api, library):
    data = ok(api.get("/assets/", {"status": "new,logged", "user.genre": "drama,news", "page_size": 100}))
    assert {asset["name"] for asset in data["results"]} == {RED, CEO}
    response = api.get("/assets/", {"user.genre": "horror"})
    assert response.status_code == 400 and "not an option" in str(response.data["user.genre"])


def test_date_and_yes_no_user_fields_are_simple_filters(api, library):
    def filtered(**params):
        return {asset["name"] for asset in ok(api.get("/assets/", params))["results"]}

    assert filtered(**{"user.shoot_day": "2024-03-10"}) == {RED}
    assert filtered(**{"user.shoot_day": "2024-03-10,2024-06-30"}) == {RED, BLUE}
    assert filtered(**{"user.approved": "true"}) == {RED}
    assert filtered(**{"user.approved": "false"}) == ALL - {RED}
    assert filtered(**{"user.delivered": "2024-03-11"}) == {RED}
    response = api.get("/assets/", {"user.shoot_day": "someday"})
    assert response.status_code == 400 and "not a date" in str(response.data["user.shoot_day"]), response.data


@pytest.fixture
def timecoded(user):
    """The same label, 00:01:00:00, is a different frame at 25 fps and at 29.97 drop-frame."""
    catalog = Catalog.objects.create(owner=user, name="Timecoded")
    pal = Asset.objects.create(catalog=catalog, name="pal", tc_format=25, in_frm=1500, out_frm=3000, media_end_frm=3000)
    ntsc = Asset.objects.create(catalog=catalog, name="ntsc", tc_format=2997, in_frm=1798, out_frm=3000,
                                media_end_frm=3000)
    Marker.objects.create(asset=pal, name="m", in_frm=2000)
    Marker.objects.create(asset=ntsc, name="m", in_frm=2000)
    return pal, ntsc


@pytest.mark.parametrize("query, expected", [
    ("((clip.in)eq(00:01:00:00))", {"pal"}),  # 1500 at 25; at 29.97 DF 00:01:00:00 is a dropped label
    ("((clip.in)eq(00:00:59;28))", {"ntsc"}),  # frame 1798 at 29.97 DF; ';' names no frame at 25
    ("((clip.in)ge(00:00:59:28))", {"ntsc"}),  # FF 28 is past the rate at 25; 1798 at 29.97 DF
    ("((clip.in)lt(00:01:00:10))", {"pal", "ntsc"}),  # 1510 at 25, 1808 at 29.97 DF
    ("((clip.in)between(00:00:59;00,00:01:00;02))", {"ntsc"}),
    ("((clip.in)isOneOf(1500,00:00:59;28))", {"pal", "ntsc"}),
    ("((clip.in)gt(1600))", {"ntsc"}),
    ("((marker.in)eq(00:01:20:00))", {"pal"}),  # 2000 at 25 fps
    ("((clip.out)eq(00:02:00:00))", {"pal"}),  # 3000 at 25; 00:02:00:00 is dropped at 29.97 DF
])
def test_timecode_fields_are_queried_by_label_in_each_assets_format(api, timecoded, query, expected):
    assert names(api, query) == expected


def test_a_label_no_format_reads_is_a_400(api, timecoded):
    response = api.get("/assets/", {"query": "((clip.in)eq(00:00:00:75))"})
    assert response.status_code == 400 and "past the rate" in str(response.data["query"]), response.data
    assert response.data["position"] == 13
