"""Every catalog list costs a constant number of queries, whatever the page holds (assets: test_asset_lists_api)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from media_assets.catalog.models import Asset, Catalog, CatalogShare, Marker, MetadataField, SmartFolder, SmartFolderShare

pytestmark = pytest.mark.django_db

# token + count + page, plus one query per kind of related row the list shows (shares, the
# parent asset, history records of the asset and of what is in it)
LIST_QUERIES = {
    "/catalogs/": 4,
    "/fields/": 3,
    "/smart-folders/": 4,
    "/assets/{asset}/markers/": 4,
    "/assets/{asset}/history/": 7,
}


def populate(user, count: int) -> Asset:
    group = Group.objects.create(name=f"team-{user.username}")
    group.user_set.add(user)
    for index in range(count):
        catalog = Catalog.objects.create(owner=user, name=f"C{index}")
        CatalogShare.objects.create(catalog=catalog, group=group, role="viewer")
        MetadataField.objects.create(catalog=catalog, identifier=f"f{index}", name=f"F{index}", type="choice",
                                     options=["a", "b"])
        folder = SmartFolder.objects.create(owner=user, name=f"S{index}", catalog=catalog, query="((clip.name)has(x))")
        SmartFolderShare.objects.create(folder=folder, group=group, role="viewer")
    asset = Asset.objects.create(catalog=catalog, created_by=user, name="A", out_frm=10_000, media_end_frm=10_000)
    for index in range(count):
        Marker.objects.create(asset=asset, created_by=user, name=f"M{index}", in_frm=index)
        asset.notes = f"change {index}"
        asset.save()  # a history record each
    return asset


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("path", list(LIST_QUERIES))
def test_list_query_count_is_constant(api, user, django_assert_num_queries, count, path):
    asset = populate(user, count)
    populate(get_user_model().objects.create_user("noise"), 3)
    with django_assert_num_queries(LIST_QUERIES[path]):
        response = api.get(path.format(asset=asset.pk) + "?page_size=100")
    assert response.status_code == 200, response.data
    assert response.data["count"] >= count
