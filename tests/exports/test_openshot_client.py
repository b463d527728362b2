"""A client written only from the OpenShot Cloud API documentation, over real HTTP.

It uses `requests` exactly as the documentation's Python examples do
(Basic auth, token header, form posts with `json` as a string, multipart
uploads, polling an export) against a live server with a render worker.
"""

import json
import time

import pytest
import requests
from requests.auth import HTTPBasicAuth

from tests.exports.conftest import running_worker


@pytest.fixture
def cloud(live_server, quiet_broker, django_user_model):
    django_user_model.objects.create_user("demo-cloud", password="demo-password")
    django_user_model.objects.create_user("someone-else", password="other-password")
    with running_worker():
        yield live_server.url


def test_a_script_from_the_openshot_documentation_runs_unchanged(cloud, video_path, tmp_path):
    auth = HTTPBasicAuth("demo-cloud", "demo-password")
    token = requests.post(cloud + "/tokens/", data={"username": "demo-cloud", "password": "demo-password"}).json()["token"]
    headers = {"Authorization": f"Token {token}"}

    project_data = {"name": "API Project", "width": 160, "height": 90, "fps_num": 30, "fps_den": 1,
                    "sample_rate": 44100, "channels": 2, "channel_layout": 3, "json": "{}"}
    r = requests.post(cloud + "/projects/", data=project_data, auth=auth)
    assert r.status_code == 201, r.text
    project_url, project_id = r.json()["url"], r.json()["id"]

    file_data = {"media": None, "project": project_url, "json": "{}"}
    with open(video_path, "rb") as source:
        r = requests.post(cloud + f"/projects/{project_id}/files/", data=file_data,
                          files={"media": ("clip.mp4", source)}, headers=headers)
    assert r.status_code == 201, r.text
    file_url = r.json()["url"]

    clip_data = {"file": file_url, "position": 0.0, "start": 0.0, "end": 2.0, "layer": 1, "project": project_url,
                 "json": json.dumps({"alpha": {"Points": [{"co": {"X": 1, "Y": 0.0}, "interpolation": 1},
                                                          {"co": {"X": 30, "Y": 1.0}, "interpolation": 1}]}})}
    r = requests.post(cloud + "/clips/", data=clip_data, auth=auth)
    assert r.status_code == 201, r.text

    r = requests.get(cloud + "/projects/?page=1", headers=headers)
    assert r.json()["count"] == 1 and r.json()["results"][0]["clips"]

    export_data = {"video_format": "mp4", "video_codec": "libx264", "video_bitrate": 8000000, "audio_codec": "aac",
                   "audio_bitrate": 1920000, "start_frame": 1, "end_frame": None, "project": project_url,
                   "json": json.dumps({"preset": "ultrafast"})}
    r = requests.post(cloud + "/exports/", data={k: v for k, v in export_data.items() if v is not None}, auth=auth)
    assert r.status_code == 201, r.text
    export_url = r.json()["url"]
    deadline = time.monotonic() + 60
    while True:
        export = requests.get(export_url, auth=auth).json()
        if export["progress"] == 100.0 or export["status"] in ("completed", "failed"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert export["status"] == "completed", export
    r = requests.get(export["output"], auth=auth)
    assert r.status_code == 200 and len(r.content) > 1000

    other = HTTPBasicAuth("someone-else", "other-password")
    assert requests.get(project_url, auth=other).status_code == 404
    assert requests.get(cloud + "/projects/", auth=other).json()["count"] == 0
    assert requests.get(export["output"], auth=other).status_code == 404
