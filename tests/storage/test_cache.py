"""The worker's bounded local media cache (media_assets.cache) and the ranged reader behind it."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_assets.cache import cached_media_path, evict
from media_assets.storage import RangedReader, open_stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def cloud(request, settings, tmp_path):
    """Media on S3 (moto): the cache only ever holds copies of remote objects."""
    from tests.storage.conftest import use_s3_media

    use_s3_media(settings, request.getfixturevalue("s3_endpoint"))
    settings.MEDIA_CACHE_DIR = str(tmp_path / "cache")
    return tmp_path / "cache"


def test_local_storage_needs_no_copy(settings, tmp_path):
    name = default_storage.save("files/1/a.bin", ContentFile(b"abc"))
    assert cached_media_path(name) == default_storage.path(name)


def test_a_remote_object_is_fetched_once_and_reused(cloud):
    name = default_storage.save("files/1/clip.mp4", ContentFile(b"x" * 3_000_000))
    first = cached_media_path(name)
    assert open(first, "rb").read() == b"x" * 3_000_000 and first.endswith(".mp4")
    os.utime(first, (1, 1))
    assert cached_media_path(name, size=3_000_000) == first
    assert os.stat(first).st_mtime > 1, "a hit marks the entry recently used"
    assert [p.name for p in cloud.iterdir()] == [os.path.basename(first)], "no partial files left"


def test_the_key_includes_the_size_so_other_bytes_under_one_name_are_fetched_again(cloud):
    name = default_storage.save("files/1/a.bin", ContentFile(b"1" * 10))
    first = cached_media_path(name)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"2" * 20))
    second = cached_media_path(name)
    assert first != second and open(second, "rb").read() == b"2" * 20


def test_a_missing_object_is_file_not_found(cloud):
    with pytest.raises(FileNotFoundError):
        cached_media_path("files/1/never-stored.mp4")


def test_least_recently_used_entries_go_first_past_the_bound(cloud, settings):
    settings.MEDIA_CACHE_MAX_BYTES = 2500
    names = [default_storage.save(f"files/1/{i}.bin", ContentFile(bytes([i]) * 1000)) for i in range(3)]
    paths = [cached_media_path(name) for name in names]
    now = time.time()
    for age, path in zip((7200, 3600, 0), paths):
        os.utime(path, (now - age, now - age))
    assert evict(now=now) == 1000
    assert [os.path.exists(path) for path in paths] == [False, True, True]


def test_entries_in_use_are_spared_even_over_the_bound(cloud, settings):
    settings.MEDIA_CACHE_MAX_BYTES = 100
    paths = [cached_media_path(default_storage.save(f"files/1/{i}.bin", ContentFile(b"z" * 1000))) for i in range(2)]
    assert all(os.path.exists(path) for path in paths)
    assert evict(now=time.time() + 24 * 3600) == 2000


def test_stale_partial_files_are_cleaned_up(cloud, settings):
    cloud.mkdir(parents=True, exist_ok=True)
    stale = cloud / ".abc.mp4.0123.part"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    evict()
    assert not stale.exists()


def test_the_ranged_reader_seeks_and_reads_across_chunks():
    data = bytes(range(256)) * 100
    opened = []

    def open_from(position):
        opened.append(position)
        chunks = (data[i:i + 1000] for i in range(position, len(data), 1000))
        return chunks, lambda: None

    reader = io.BufferedReader(RangedReader(len(data), open_from), buffer_size=4096)
    assert reader.read(10) == data[:10]
    reader.seek(5000)
    assert reader.read(2500) == data[5000:7500]
    assert reader.seek(-6, io.SEEK_END) == len(data) - 6 and reader.read() == data[-6:]
    assert reader.read(1) == b""
    assert opened == [0, 5000, len(data) - 6], "one GET per position, continued by later reads"


def test_open_stored_streams_a_remote_object_in_ranges(cloud):
    payload = os.urandom(2_500_000)
    name = default_storage.save("files/1/r.bin", ContentFile(payload))
    reader, size = open_stored(name)
    with reader:
        assert size == len(payload)
        reader.seek(1_000_000)
        assert reader.read(100) == payload[1_000_000:1_000_100]
        reader.seek(0)
        assert b"".join(iter(lambda: reader.read(65536), b"")) == payload
