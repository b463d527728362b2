"""/assets/<id>/comments/ and /comments/<id>/: frame-exact notes with drawings, replies, reactions, rights."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset
from tests.review.conftest import comments_url

pytestmark = pytest.mark.django_db

ARROW = {"shapes": [{"tool": "arrow", "points": [[0.1, 0.2], [0.5, 0.5]], "color": "#FF0000", "width": 3}]}


def post(api, asset, **body):
    return api.post(comments_url(asset), {"text": "note", **body}, format="json")


def test_a_note_on_a_drop_frame_timecode_round_trips(api, asset):
    note = ok(post(api, asset, text="Too dark here", frame="01:01:00;02", duration=12, annotation=ARROW), 201)
    assert note["frame"]["txt"] == "01:01:00;02" and note["frame"]["fmt"] == 2997
    assert set(note["frame"]) == {"fmt", "frm", "secs", "txt"}
    by_number = ok(post(api, asset, frame=note["frame"]["frm"]), 201)
    assert by_number["frame"] == note["frame"]
    assert note["author"] == {"username": "alice"} and note["version"] == 1 and note["public"] is True
    assert note["annotation"]["shapes"][0]["color"] == "#ff0000" and note["duration"] == 12
    assert note["replies"] == 0 and note["reactions"] == {} and note["resolved"] is False
    whole = ok(post(api, asset, text="General note"), 201)
    assert whole["frame"] is None
    assert ok(api.get(note["url"]))["text"] == "Too dark here"


@pytest.mark.parametrize("body, field", [
    ({"frame": "01:10:00;04"}, "frame"),
    ({"frame": "00:59:00;02"}, "frame"),
    ({"frame": "01:01:00;00"}, "frame"),  # does not exist in drop-frame
    ({"frame": "01:05:00;02", "duration": -1}, "duration"),
    ({"frame": "01:09:59;29", "duration": 10_000}, "duration"),
    ({"annotation": {"shapes": [{"tool": "spray", "points": [[0, 0]]}]}}, "annotation"),
    ({"annotation": {"shapes": [{"tool": "line", "points": [[0, 0], [1.5, 0.2]]}]}}, "annotation"),
    ({"annotation": {"shapes": [{"tool": "line", "points": [[0, 0], [1, 1]], "color": "red"}]}}, "annotation"),
    ({"annotation": {"shapes": [{"tool": "freehand", "points": [[0, 0]]}] * 501}}, "annotation"),
    ({"annotation": {"shapes": [{"tool": "freehand", "points": [[0.5, 0.5]] * 5001}] * 2}}, "annotation"),
    ({"annotation": {"shapes": [{"tool": "text", "points": [[0.5, 0.5]]}]}}, "annotation"),
    ({"text": ""}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"version": 2}, "version"),
    ({"parent": 999999}, "parent"),
    ({"public": "maybe"}, "public"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_changes(api, asset, body, field):
    response = post(api, asset, **body)
    assert response.status_code == 400 and field in response.data, response.data
    assert ok(api.get(comments_url(asset)))["count"] == 0


def test_replies_are_one_level_deep_and_on_the_parents_asset(api, catalog, asset):
    note = ok(post(api, asset, frame="01:01:00;02"), 201)
    reply = ok(api.post(f"{note['url']}reply/", {"text": "Fixed in v2"}, format="json"), 201)
    assert reply["parent"] == note["url"] and reply["asset"] == note["asset"]
    response = api.post(f"{reply['url']}reply/", {"text": "deeper"}, format="json")
    assert response.status_code == 400 and "parent" in response.data
    response = post(api, asset, parent=reply["id"])
    assert response.status_code == 400 and "parent" in response.data
    other = create_asset(api, catalog, name="Other", fmt=2997)
    response = post(api, other, parent=note["url"])
    assert response.status_code == 400 and "parent" in response.data
    assert ok(api.get(note["url"]))["replies"] == 1
    assert [r["text"] for r in ok(api.get(f"{note['url']}replies/"))["results"]] == ["Fixed in v2"]
    top = ok(api.get(comments_url(asset), {"parent": "null"}))
    assert [c["id"] for c in top["results"]] == [note["id"]]


def test_reactions_toggle_per_user_from_a_fixed_set(api, viewer_api, asset):
    note = ok(post(api, asset), 201)
    ok(api.post(f"{note['url']}react/", {"reaction": "👍"}, format="json"))
    answer = ok(viewer_api.post(f"{note['url']}react/", {"reaction": "👍"}, format="json"))
    assert answer["reactions"] == {"👍": 2} and answer["my_reactions"] == ["👍"]
    answer = ok(api.post(f"{note['url']}react/", {"reaction": "👍"}, format="json"))
    assert answer["reactions"] == {"👍": 1} and answer["my_reactions"] == []
    response = api.post(f"{note['url']}react/", {"reaction": "🦄"}, format="json")
    assert response.status_code == 400 and "reaction" in response.data


def test_mentions_only_name_people_who_may_read_the_asset(api, viewer_api, third_api, asset):
    note = ok(post(api, asset, text="@bob look, and @carol and @nobody"), 201)
    assert note["mentions"] == ["bob"]
    assert len(note["warnings"]) == 2 and "@carol" in note["warnings"][0]


def test_viewers_comment_only_authors_edit_and_editors_resolve_and_delete(api, other_api, catalog, team, asset):
    from tests.media_assets.catalog.helpers import share

    share(api, catalog, team, "viewer")
    mine = ok(post(api, asset, text="alice's"), 201)
    theirs = ok(post(other_api, asset, text="bob's"), 201)
    assert other_api.patch(mine["url"], {"text": "x"}, format="json").status_code == 403
    assert api.patch(theirs["url"], {"text": "x"}, format="json").status_code == 403
    assert ok(other_api.patch(theirs["url"], {"text": "bob's, better"}, format="json"))["text"] == "bob's, better"
    assert other_api.post(f"{mine['url']}resolve/", {"resolved": True}, format="json").status_code == 403
    assert other_api.delete(mine["url"]).status_code == 403
    resolved = ok(api.post(f"{theirs['url']}resolve/", {"resolved": True}, format="json"))
    assert resolved["resolved"] and resolved["resolved_by"] == "alice" and resolved["resolved_at"]
    reopened = ok(other_api.post(f"{theirs['url']}resolve/", {"resolved": False}, format="json"))
    assert reopened["resolved"] is False and reopened["resolved_by"] is None
    share(api, catalog, team, "editor")
    assert ok(other_api.post(f"{mine['url']}resolve/", {}, format="json"))["resolved"] is True
    assert other_api.delete(mine["url"]).status_code == 204
    assert ok(api.get(comments_url(asset)))["count"] == 1


def test_no_path_shows_another_users_comments(api, other_api, asset):
    note = ok(post(api, asset, annotation=ARROW), 201)
    reply = ok(api.post(f"{note['url']}reply/", {"text": "r"}, format="json"), 201)
    for url in (note["url"], reply["url"], f"{note['url']}replies/", comments_url(asset),
                f"{comments_url(asset)}export/?format=csv", f"/assets/{asset['id']}/versions/"):
        assert other_api.get(url).status_code == 404, url
    for url, body in ((f"{note['url']}reply/", {"text": "x"}), (f"{note['url']}react/", {"reaction": "👍"}),
                      (f"{note['url']}resolve/", {}), (comments_url(asset), {"text": "x"}),
                      (f"/assets/{asset['id']}/versions/", {"asset": asset["id"]})):
        assert other_api.post(url, body, format="json").status_code == 404, url
    assert other_api.patch(note["url"], {"text": "x"}, format="json").status_code == 404
    assert other_api.post(f"/assets/{asset['id']}/versions/move/", {"asset": asset["id"], "position": 1},
                          format="json").status_code == 404
    assert other_api.delete(f"/assets/{asset['id']}/versions/{asset['id']}/").status_code == 404
    assert other_api.delete(note["url"]).status_code == 404
    assert ok(other_api.get("/comments/"))["count"] == 0
    # naming someone else's comment as a parent, on one's own asset, tells nothing
    from tests.media_assets.catalog.helpers import create_catalog

    own = create_asset(other_api, create_catalog(other_api, name="Bob's"), name="Mine", fmt=25)
    response = post(other_api, own, parent=note["id"])
    assert response.status_code == 400 and "no comment" in str(response.data["parent"])
    assert ok(api.get(note["url"]))["replies"] == 1


def test_lists_filter_and_order(api, other_api, catalog, team, asset):
    from tests.media_assets.catalog.helpers import share

    share(api, catalog, team, "viewer")
    late = ok(post(api, asset, text="late", frame="01:05:00;02", annotation=ARROW), 201)
    early = ok(post(other_api, asset, text="early", frame="01:01:00;02", public=False), 201)
    ok(api.post(f"{late['url']}resolve/", {}, format="json"))
    url = comments_url(asset)

    def texts(**params):
        return [c["text"] for c in ok(api.get(url, params))["results"]]

    assert texts() == ["early", "late"]
    assert texts(ordering="date_created") == ["late", "early"] and texts(ordering="-date_created") == ["early", "late"]
    assert texts(resolved="true") == ["late"] and texts(resolved="false") == ["early"]
    assert texts(author="bob") == ["early"] and texts(public="false") == ["early"]
    assert texts(has_annotation="true") == ["late"] and texts(has_annotation="false") == ["early"]
    assert texts(frame_from="01:02:00;02") == ["late"] and texts(frame_to="01:02:00;02") == ["early"]
    for name, value in (("resolved", "perhaps"), ("frame_from", "soon"), ("ordering", "text"), ("version", "x"),
                        ("parent", "first")):
        response = api.get(url, {name: value})
        assert response.status_code == 400 and name in response.data, (name, response.data)


def test_the_list_costs_the_same_queries_for_any_number_of_notes(api, viewer_api, asset,
                                                                   django_assert_num_queries):
    def fill(count):
        for index in range(count):
            note = ok(post(api, asset, frame=107892 + index, annotation=ARROW), 201)
            ok(viewer_api.post(f"{note['url']}react/", {"reaction": "👀"}, format="json"))
            ok(api.post(f"{note['url']}reply/", {"text": "r"}, format="json"), 201)

    fill(1)
    # auth, the asset, count, the page, reactions, attachments
    with django_assert_num_queries(6):
        assert ok(api.get(comments_url(asset), {"parent": "null"}))["count"] == 1
    fill(5)
    with django_assert_num_queries(6):
        page = ok(api.get(comments_url(asset), {"parent": "null"}))
    assert page["count"] == 6 and all(c["replies"] == 1 and c["reactions"] == {"👀": 1} for c in page["results"])
    with django_assert_num_queries(6):
        ok(api.get(comments_url(asset), {"version": "all"}))


def test_history_records_every_change(api, asset):
    from review.models import Comment

    note = ok(post(api, asset, text="first"), 201)
    ok(api.patch(note["url"], {"text": "second"}, format="json"))
    ok(api.post(f"{note['url']}resolve/", {}, format="json"))
    history = Comment.history.filter(id=note["id"]).order_by("history_date")
    assert [entry.text for entry in history] == ["first", "second", "second"]
    assert history.last().resolved and history.first().history_user.username == "alice"


def test_admin_shows_comments_and_an_assets_versions(client, api, asset):
    from django.contrib.auth import get_user_model

    from review.models import Comment

    note = ok(post(api, asset, text="in the admin", annotation=ARROW), 201)
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    client.force_login(admin)
    assert "in the admin" in client.get("/cloud-admin/review/comment/").content.decode()
    assert client.get(f"/cloud-admin/review/comment/{note['id']}/change/").status_code == 200
    assert client.get(f"/cloud-admin/media_assets/asset/{asset['id']}/change/").status_code == 200
    client.post("/cloud-admin/review/comment/", {"action": "mark_resolved", "_selected_action": [note["id"]]})
    assert Comment.objects.get(pk=note["id"]).resolved_by == admin
