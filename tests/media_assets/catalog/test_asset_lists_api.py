"""Asset lists: paging (page or skip/take), include, sorting by any field, facets; constant query counts."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from media_assets.catalog.models import Asset, Catalog, Marker, MetadataField, SequenceItem
from media_assets.models import File
from tests.factories import ok

pytestmark = pytest.mark.django_db


def populate(user, count: int) -> Catalog:
    catalog = Catalog.objects.create(owner=user, name="Big")
    MetadataField.objects.get_or_create(identifier="genre", defaults={"name": "Genre", "type": "choice",
                                                                       "options": ["Drama", "News"]})
    MetadataField.objects.get_or_create(identifier="tags", defaults={"name": "Tags", "type": "multichoice",
                                                                      "options": ["car", "rain"]})
    for index in range(count):
        file = File.objects.create(owner=user, media=f"files/unfiled/{index}.mp4", json={"fps": {"num": 25, "den": 1}})
        asset = Asset.objects.create(
            catalog=catalog, created_by=user, file=file, name=f"Asset {index:03d}", status=["New", "Logged"][index % 2],
            tc_format=25, out_frm=100 + index, recorded_date=dt.datetime(2024, 1, 1 + index % 28, tzinfo=dt.timezone.utc),
            user_fields={"genre": ["Drama", "News"][index % 2], "tags": ["car"] if index % 3 else ["car", "rain"]},
        )
        Marker.objects.create(asset=asset, name="m1", in_frm=1)
        Marker.objects.create(asset=asset, name="m2", in_frm=2)
        asset.version += 1
        asset.save()  # a second history record
    sequence = Asset.objects.create(catalog=catalog, created_by=user, name="ZZ sequence", type="seq", out_frm=10)
    SequenceItem.objects.create(sequence=sequence, source=asset, seq_in_frm=0, seq_out_frm=10, clip_in_frm=0, clip_out_frm=10)
    return catalog


# token + count + page (+ user field definitions when named) (+ one per include)
# (+ facets: the latest change among the matches, then one per field on a cache miss)
@pytest.mark.parametrize("params, queries", [
    ("", 3),
    ("&include=markers,user_fields,seq_items", 5),
    ("&include=history", 5),
    ("&query=((user.genre)eq(drama))and((marker.name)eq(m1))", 4),
    ("&ordering=-user.genre,name", 4),
    ("&facets=status,type,genre,tags,catalog", 10),
    ("&skip=0&take=100", 3),
])
@pytest.mark.parametrize("count", [1, 100])
def test_list_query_count_is_constant(api, user, django_assert_num_queries, count, params, queries):
    populate(user, count)
    populate(get_user_model().objects.create_user("noise"), 2)
    with django_assert_num_queries(queries):
        response = api.get(f"/assets/?page_size=100{params}")
    assert response.status_code == 200, response.data
    assert response.data["count"] >= 1


def test_lists_leave_out_the_heavy_parts_unless_included(api, user):
    populate(user, 2)
    light = ok(api.get("/assets/"))["results"][0]
    assert not {"markers", "history", "user_fields", "seq_items"} & set(light)
    full = ok(api.get("/assets/?include=markers,history,user_fields"))["results"][0]
    assert [marker["name"] for marker in full["markers"]] == ["m1", "m2"]
    assert full["user_fields"]["genre"] == "Drama" and full["history"][0]["action"] == "changed"
    detail = ok(api.get(light["url"]))
    assert {"markers", "user_fields", "seq_items"} <= set(detail) and "history" not in detail
    assert api.get("/assets/?include=everything").status_code == 400


def test_sort_by_any_field_including_user_fields(api, user):
    populate(user, 4)
    order = lambda ordering: [a["name"] for a in ok(api.get(f"/assets/?ordering={ordering}"))["results"]]  # noqa: E731
    assert order("-name")[:2] == ["ZZ sequence", "Asset 003"]
    assert order("user.genre,-name")[:2] == ["Asset 002", "Asset 000"]
    assert order("-clip.recordedDate")[0] == "Asset 003"
    assert order("-out,id")[0] == "Asset 003"
    response = api.get("/assets/?ordering=flavour")
    assert response.status_code == 400 and "Unknown field" in str(response.data["ordering"])
    assert api.get("/assets/?ordering=marker.name").status_code == 400


def test_facets_count_values_for_the_current_query(api, user):
    catalog = populate(user, 6)
    data = ok(api.get("/assets/?query=((clip.type)eq(clip))&facets=status,genre,tags,catalog"))
    assert data["count"] == 6
    assert data["facets"]["status"] == [{"value": "Logged", "count": 3}, {"value": "New", "count": 3}]
    assert data["facets"]["genre"] == [{"value": "Drama", "count": 3}, {"value": "News", "count": 3}]
    assert data["facets"]["tags"] == [{"value": "car", "count": 6}, {"value": "rain", "count": 2}]
    assert data["facets"]["catalog"] == [{"value": catalog.pk, "label": "Big", "count": 6}]
    response = api.get("/assets/?facets=recorded_date")
    assert response.status_code == 400 and "cannot be a facet" in str(response.data["facets"])


def test_facet_counts_follow_every_change_to_the_matching_assets(api, user, django_assert_num_queries):
    populate(user, 4)
    Asset.objects.update(media_end_frm=1000)  # the stand-in files have no duration; edits check ranges against it
    url = "/assets/?query=((clip.type)eq(clip))&facets=genre,status"
    first = ok(api.get(url))["facets"]
    assert first["genre"] == [{"value": "Drama", "count": 2}, {"value": "News", "count": 2}]
    with django_assert_num_queries(5):  # token, count, page, field definitions, latest change: counts were kept
        assert ok(api.get(url))["facets"] == first
    asset = ok(api.get("/assets/?query=((user.genre)eq(News))"))["results"][0]
    ok(api.patch(asset["url"], {"user_fields": {"genre": "Drama"}, "status": "New"}, format="json"))
    assert ok(api.get(url))["facets"] == {
        "genre": [{"value": "Drama", "count": 3}, {"value": "News", "count": 1}],
        "status": [{"value": "New", "count": 3}, {"value": "Logged", "count": 1}],
    }
    assert api.delete(asset["url"]).status_code == 204
    assert ok(api.get(url))["facets"]["genre"] == [{"value": "Drama", "count": 2}, {"value": "News", "count": 1}]
    ids = [a["id"] for a in ok(api.get("/assets/?query=((user.genre)eq(Drama))"))["results"]]
    ok(api.patch("/assets/bulk/", {"ids": ids, "changes": {"status": "Approved"}}, format="json"))
    assert ok(api.get(url))["facets"]["status"] == [{"value": "Approved", "count": 2}, {"value": "Logged", "count": 1}]


def test_skip_and_take_like_catdv(api, user):
    populate(user, 5)
    data = ok(api.get("/assets/?skip=2&take=2"))
    assert data["count"] == 6 and [a["name"] for a in data["results"]] == ["Asset 002", "Asset 003"]
    assert "skip=4" in data["next"] and "skip=0" in data["previous"]


def test_nested_under_a_catalog(api, user):
    catalog = populate(user, 2)
    other = Catalog.objects.create(owner=user, name="Empty")
    assert ok(api.get(f"/catalogs/{catalog.pk}/assets/"))["count"] == 3
    assert ok(api.get(f"/catalogs/{other.pk}/assets/"))["count"] == 0
