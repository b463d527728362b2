"""The drawing rules (pure) and the service share-link guests' notes will use."""

import pytest

from review.annotation import AnnotationError, annotation_clean
from tests.factories import ok
from tests.review.conftest import comments_url


def test_a_drawing_is_normalised():
    drawing = annotation_clean({"shapes": [
        {"tool": "rect", "points": [[0, 0], [1, 1]]},
        {"tool": "text", "points": [[0.5, 0.5]], "text": "here", "color": "#00FF00", "width": 1.5},
    ]})
    assert drawing["shapes"][0] == {"tool": "rect", "points": [[0.0, 0.0], [1.0, 1.0]], "color": "#ff0000", "width": 2}
    assert drawing["shapes"][1]["text"] == "here" and drawing["shapes"][1]["color"] == "#00ff00"
    assert annotation_clean(None) is None and annotation_clean({"shapes": []}) == {"shapes": []}


@pytest.mark.parametrize("value, message", [
    ([], "shapes"),
    ({"shapes": [], "extra": 1}, "shapes"),
    ({"shapes": [{"tool": "line", "points": [[0, 0]]}]}, "at least 2"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [0, float("nan")]]}]}, "numbers"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [True, 0]]}]}, "numbers"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [0, -0.1]]}]}, "outside the picture"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [1, 1]], "width": 0}]}, "width"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [1, 1]], "text": "no"}]}, "only for the text tool"),
    ({"shapes": [{"tool": "line", "points": [[0, 0], [1, 1]], "fill": "#000000"}]}, "unknown keys"),
])
def test_bad_drawings_say_what_is_wrong(value, message):
    with pytest.raises(AnnotationError, match=message):
        annotation_clean(value)


@pytest.mark.django_db
def test_a_guest_note_through_the_service_answers_its_guest_name(api, asset):
    from media_assets.catalog.models import Asset
    from review.services import comment_create

    note = comment_create(asset=Asset.objects.get(pk=asset["id"]), guest_name=" Dana ", text="Lovely", frame=107892)
    assert note.author is None and note.guest_name == "Dana"
    listed = ok(api.get(comments_url(asset)))["results"]
    assert listed[0]["author"] == {"guest_name": "Dana"} and listed[0]["frame"]["txt"] == "01:00:00;00"
    with pytest.raises(ValueError):
        comment_create(asset=Asset.objects.get(pk=asset["id"]), guest_name=" ", text="no name")
