"""Every list costs a constant number of queries, whatever the page holds."""

import pytest
from django.contrib.auth import get_user_model

from exports.models import Export
from media_assets.models import File
from projects.models import Clip, Effect, Project

pytestmark = pytest.mark.django_db

# auth token lookup + count + page (+ one prefetch per nested collection)
LIST_QUERIES = {"/projects/": 7, "/files/": 3, "/clips/": 3, "/effects/": 3, "/exports/": 3}


def populate(user, count: int) -> None:
    for index in range(count):
        project = Project.objects.create(owner=user, name=f"P{index}")
        file = File.objects.create(owner=user, project=project, media=f"files/{project.pk}/f.mp4",
                                   json={"duration": 2.0, "media_type": "video"})
        Clip.objects.create(owner=user, project=project, file=file, end=2.0)
        Effect.objects.create(owner=user, project=project, type="Blur", end=2.0)
        Export.objects.create(owner=user, project=project)


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("path", list(LIST_QUERIES))
def test_list_query_count_is_constant(api, user, django_assert_num_queries, count, path):
    populate(user, count)
    populate(get_user_model().objects.create_user("noise"), 3)
    with django_assert_num_queries(LIST_QUERIES[path]):
        response = api.get(f"{path}?page_size=100")
    assert response.status_code == 200 and response.data["count"] == count
