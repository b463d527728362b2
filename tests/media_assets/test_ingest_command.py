"""`manage.py ingest`: a folder of good, bad and duplicate files into a project or a catalog, and a rerun with --dedupe."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from django.core.management import CommandError, call_command

from media_assets.catalog.models import Asset, Catalog
from media_assets.models import File
from tests.factories import create_project


@pytest.fixture
def folder(tmp_path, video_path, image_path, audio_path):
    root = tmp_path / "card"
    (root / "day2").mkdir(parents=True)
    shutil.copy(video_path, root / "a-clip.mp4")
    shutil.copy(image_path, root / "b-still.png")
    shutil.copy(audio_path, root / "day2" / "c-tone.mp3")
    shutil.copy(video_path, root / "day2" / "d-same-clip.mp4")  # a duplicate of a-clip.mp4
    (root / "notes.txt").write_text("not media at all\n")
    (root / "empty.mov").write_bytes(b"")
    locked = root / "locked.mp4"
    shutil.copy(video_path, locked)
    os.chmod(locked, 0)
    yield root
    os.chmod(locked, 0o644)


def ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_into_a_project_then_a_rerun_with_dedupe_ingests_nothing_twice(api, user, folder):
    project = create_project(api, name="Card")
    out, err = ingest(folder, "--user", "alice", "--project", project["id"], "--recursive")
    names = sorted(File.objects.values_list("media", flat=True))
    expected = ["a-clip.mp4", "b-still.png", "c-tone.mp3", "d-same-clip.mp4"]
    if os.geteuid() == 0:  # root reads a mode-000 file anyway
        expected.append("locked.mp4")
    assert sorted(name.rsplit("/", 1)[1] for name in names) == sorted(expected)
    assert "notes.txt" in out and "skipped" in out and "empty (0 bytes)" in out
    assert f"{len(expected)} ingested" in out and "files" in err and "MB" in err  # the progress bar
    if os.geteuid() != 0:
        assert "locked.mp4" in out and "cannot be read" in out
    again, _ = ingest(folder, "--user", "alice", "--project", project["id"], "--recursive", "--dedupe")
    assert File.objects.count() == len(expected)
    assert "0 ingested" in again and f"{len(expected)} duplicate(s)" in again


def test_into_a_catalog_with_dedupe_the_same_bytes_make_one_asset(api, user, folder):
    Catalog.objects.create(owner=user, name="Rushes")
    out, _ = ingest(folder, "--user", "alice", "--catalog", "Rushes", "--recursive", "--dedupe")
    assets = list(Asset.objects.order_by("pk"))
    assert "d-same-clip.mp4" in out and "same bytes as asset" in out
    assert len({asset.file.sha256 for asset in assets}) == len(assets) and all(a.file.project is None for a in assets)
    assert assets[0].name == "a-clip.mp4" and assets[0].out_frm > 0  # made as POST /assets/ {file} makes it
    count = len(assets)
    ingest(folder, "--user", "alice", "--catalog", "Rushes", "--recursive", "--dedupe")
    assert Asset.objects.count() == count


def test_without_recursive_only_the_folders_own_files(api, user, folder):
    project = create_project(api, name="Card")
    ingest(folder, "--user", "alice", "--project", project["id"])
    assert not any("c-tone" in name for name in File.objects.values_list("media", flat=True))


@pytest.mark.parametrize("args, message", [
    (["--user", "nobody", "--project", "1"], "No user"),
    (["--user", "alice", "--project", "999999"], "No project"),
    (["--user", "alice", "--catalog", "Missing"], "No catalog"),
])
def test_bad_arguments_are_errors(user, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        ingest(tmp_path, *args)


def test_a_missing_path_is_skipped_with_the_reason(api, user, tmp_path):
    project = create_project(api, name="Card")
    out, _ = ingest(tmp_path / "nowhere", "--user", "alice", "--project", project["id"])
    assert "no such file or folder" in out and "0 ingested" in out
