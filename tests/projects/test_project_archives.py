"""/projects/<id>/download/ (a streamed ZIP) and /load/ of an archive, including hostile ones."""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_assets.models import File
from projects.models import Clip, Effect, Project
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(api, video_path, image_path, audio_path):
    project = create_project(api, name="My Film!", width=320, height=180)
    video = upload_file(api, project, video_path)
    still = upload_file(api, project, image_path)
    sound = upload_file(api, project, audio_path)
    create_clip(api, project, video, position=0.0, start=0.0, end=2.0, layer=1)
    create_clip(api, project, still, position=1.0, start=0.0, end=1.5, layer=2, json={"alpha": 0.5})
    create_clip(api, project, sound, position=0.5, start=0.2, end=1.8, layer=3)
    return project


def _download(api, project) -> tuple[zipfile.ZipFile, object]:
    response = api.get(f"/projects/{project['id']}/download/")
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(body)), response


def _timing(project_id: int) -> list[tuple]:
    return sorted(Clip.objects.filter(project_id=project_id).values_list("position", "start", "end", "layer"))


def _stored_digests(project_id: int, root: Path) -> list[str]:
    return sorted(_sha((root / f.media.name).read_bytes()) for f in File.objects.filter(project_id=project_id))


def test_download_is_a_zip_of_the_project_file_and_media(api, project, isolated_media):
    archive, response = _download(api, project)

    assert 'filename="my-film.zip"' in response["Content-Disposition"]
    names = archive.namelist()
    assert names[0] == "my-film.osp"
    osp = json.loads(archive.read("my-film.osp"))
    media = sorted(name for name in names if name.startswith("media/"))
    assert sorted(f["path"] for f in osp["files"]) == media
    assert all(clip["reader"]["path"] in media for clip in osp["clips"])
    assert sorted(_sha(archive.read(name)) for name in media) == _stored_digests(project["id"], isolated_media)


def test_download_then_load_the_archive_gives_the_same_media_and_clips(api, project, isolated_media):
    archive, _ = _download(api, project)
    fresh = create_project(api, name="Restored")
    upload = SimpleUploadedFile("restored.zip", archive.fp.getvalue(), content_type="application/zip")

    loaded = ok(api.post(f"/projects/{fresh['id']}/load/", {"archive": upload}, format="multipart"))

    assert (loaded["width"], loaded["height"]) == (320, 180)
    assert _stored_digests(fresh["id"], isolated_media) == _stored_digests(project["id"], isolated_media)
    assert _timing(fresh["id"]) == _timing(project["id"])
    restored = File.objects.filter(project_id=fresh["id"])
    assert all(f.json["duration"] > 0 and f.json["path"] == f.media.name for f in restored)
    assert Clip.objects.get(project_id=fresh["id"], layer=2).json["alpha"] == 0.5


def test_json_and_archive_together_take_the_project_from_json_and_media_from_the_archive(api, project, isolated_media):
    archive, _ = _download(api, project)
    osp = json.loads(archive.read("my-film.osp"))
    osp["clips"] = [clip for clip in osp["clips"] if clip["layer"] == 1]
    fresh = create_project(api, name="Part")
    upload = SimpleUploadedFile("media.zip", archive.fp.getvalue(), content_type="application/zip")

    ok(api.post(f"/projects/{fresh['id']}/load/", {"json": json.dumps(osp), "archive": upload}, format="multipart"))

    assert Clip.objects.filter(project_id=fresh["id"]).count() == 1
    assert File.objects.filter(project_id=fresh["id"]).count() == 3


def test_an_archive_entry_that_is_not_media_is_refused(api, project):
    osp = ok(api.get(f"/projects/{project['id']}/json/"))
    osp["files"] = osp["files"][:1]
    osp["files"][0]["path"] = "media/notes.mp4"
    osp["clips"] = [dict(osp["clips"][0], file_id=osp["files"][0]["id"])]
    data = _zip({"project.osp": json.dumps(osp).encode(), "media/notes.mp4": b"just text, not a video" * 10})
    response = api.post(f"/projects/{project['id']}/load/", {"archive": _upload(data)}, format="multipart")
    assert response.status_code == 400, response.data
    assert "media/notes.mp4" in str(response.data["archive"])


# --- hostile archives -----------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _with_symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.osp", "{}")
        link = zipfile.ZipInfo("media/clip.mp4")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _with_encrypted_flag() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("project.osp")
        archive.writestr(entry, "{}")
    data = bytearray(buffer.getvalue())
    # set the "encrypted" bit in the local header and the central directory entry
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1
    return bytes(data)


def _upload(data: bytes, name: str = "project.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


HOSTILE = {
    "bomb": (lambda: _zip({"project.osp": b"{}", "media/big.mp4": b"\0" * (24 * 1024 * 1024)}), "ZIP bomb"),
    "traversal": (lambda: _zip({"project.osp": b"{}", "../../outside.mp4": b"x"}), "outside the archive"),
    "absolute path": (lambda: _zip({"project.osp": b"{}", "/etc/cron.d/evil": b"x"}), "absolute path"),
    "windows drive": (lambda: _zip({"project.osp": b"{}", "C:\\Windows\\evil.dll": b"x"}), "absolute path"),
    "symlink": (_with_symlink, "symbolic link"),
    "too many entries": (lambda: _zip({f"media/{n}.png": b"x" for n in range(12)}), "entries"),
    "too many bytes": (lambda: _zip({"project.osp": b"{}", "media/a.bin": os.urandom(300_000)}), "expands to more than"),
    "duplicate names": (lambda: _zip({"project.osp": b"{}", "media/a.png": b"1", "media/./a.png": b"2"}), "more than once"),
    "encrypted": (_with_encrypted_flag, "encrypted"),
    "not a zip": (lambda: b"this is not a zip archive at all" * 10, "Not a ZIP archive"),
    "no project file": (lambda: _zip({"media/a.txt": b"hello"}), "no project file"),
}


@pytest.fixture
def strict_limits(settings):
    settings.MONTAGE_ARCHIVE_MAX_ENTRIES = 10
    settings.MONTAGE_ARCHIVE_MAX_BYTES = 256 * 1024
    settings.MONTAGE_ARCHIVE_MAX_RATIO = 100
    settings.MONTAGE_ARCHIVE_RATIO_FLOOR = 64 * 1024
    return settings


def _snapshot(project_id: int) -> tuple:
    return (
        sorted(Clip.objects.filter(project_id=project_id).values_list("id", "position", "end", "layer")),
        sorted(File.objects.filter(project_id=project_id).values_list("id", "media")),
        sorted(Effect.objects.filter(project_id=project_id).values_list("id")),
        Project.objects.filter(pk=project_id).values_list("width", "height", "fps_num", "json").get(),
    )


def _disk(root: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_archive_is_refused_and_changes_nothing(api, project, isolated_media, strict_limits, kind):
    if kind == "bomb":
        strict_limits.MONTAGE_ARCHIVE_MAX_BYTES = 64 * 1024 * 1024  # the ratio, not the total, must catch it
    make, message = HOSTILE[kind]
    before = _snapshot(project["id"]), _disk(isolated_media)
    temporary = set(glob.glob(os.path.join(tempfile.gettempdir(), "montage-load-*")))

    response = api.post(f"/projects/{project['id']}/load/", {"archive": _upload(make())}, format="multipart")

    assert response.status_code == 400, response.data
    assert message in str(response.data["archive"])
    assert (_snapshot(project["id"]), _disk(isolated_media)) == before
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "montage-load-*"))) == temporary
    assert not (isolated_media.parent / "outside.mp4").exists()


def test_an_archive_within_the_limits_still_loads(api, project, image_path, strict_limits):
    osp = ok(api.get(f"/projects/{project['id']}/json/"))
    osp["files"] = [dict(next(f for f in osp["files"] if f["media_type"] == "image"), path="media/still.png")]
    osp["clips"] = [dict(next(c for c in osp["clips"] if c["layer"] == 2), file_id=osp["files"][0]["id"])]
    data = _zip({"project.osp": json.dumps(osp).encode(), "media/still.png": Path(image_path).read_bytes()})

    ok(api.post(f"/projects/{project['id']}/load/", {"archive": _upload(data)}, format="multipart"))

    assert File.objects.filter(project_id=project["id"]).count() == 1
    assert Clip.objects.get(project_id=project["id"]).layer == 2


def test_another_users_project_cannot_be_downloaded(other_api, project):
    assert other_api.get(f"/projects/{project['id']}/download/").status_code == 404
