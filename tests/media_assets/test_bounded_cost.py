"""Hostile media never stalls or exhausts the server (issue 12, findings 1, 2, 3 and 11).

Each hostile file is sent to a live, threaded server (pytest-django's
live_server) while another thread asks for `/info/`: that must answer within
LIVENESS_SECONDS (a liveness bound, not a speed target) however long the
hostile request takes. On the old code resvg drew in the web thread holding
the GIL (`/info/` waited 43 s), text-replace built the whole edited text
before checking its size, and a thumbnail decoded a 10000x10000 PNG in the
server process.
"""

from __future__ import annotations

import resource
import struct
import threading
import time
import tracemalloc
import zlib

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile

from media_assets.bounded_work import _semaphore
from tests.factories import ok

LIVENESS_SECONDS = 2.0

#: finding 1: 10^4 <use> of a blurred rect, 1.3 KB (the 10x10x10x10 nesting the audit used)
USE_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1920" height="1080">'
    '<defs><filter id="f"><feGaussianBlur stdDeviation="20"/></filter>'
    '<rect id="r" width="100" height="100" filter="url(#f)"/>'
    '<g id="a">' + '<use xlink:href="#r"/>' * 10 + '</g>'
    '<g id="b">' + '<use xlink:href="#a"/>' * 10 + '</g>'
    '<g id="c">' + '<use xlink:href="#b"/>' * 10 + '</g></defs>'
    + '<use xlink:href="#c"/>' * 10 + '</svg>'
)

#: within the cost limits (90 filtered elements) but slow to draw at full size (over 20 s here)
SLOW_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><defs>'
    '<filter id="b" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="300"/>'
    '<feMorphology radius="40"/><feGaussianBlur stdDeviation="200"/></filter></defs>'
    + "".join(f'<rect x="{i}" y="{i}" width="1900" height="1000" fill="#{i * 1000:06x}" filter="url(#b)"/>'
              for i in range(90))
    + "</svg>"
)


class Live:
    """A client of the live server with the `api` fixture's credentials, and a liveness probe."""

    def __init__(self, url: str, api):
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = api._credentials["HTTP_AUTHORIZATION"]

    def get(self, path, **kwargs):
        return self.session.get(self.url + path, timeout=120, **kwargs)

    def post(self, path, **kwargs):
        return self.session.post(self.url + path, timeout=120, **kwargs)

    def while_live(self, work):
        """work()'s result, asserting /info/ answered within LIVENESS_SECONDS all the while."""
        outcome = {}
        thread = threading.Thread(target=lambda: outcome.setdefault("result", work()))
        slowest = 0.0
        answered = 0
        thread.start()
        time.sleep(0.05)
        # At least one probe, even when the hostile request was refused before it (a fast refusal
        # is no stall, but the server must still answer): then one every 0.1 s while it runs.
        while True:
            started = time.monotonic()
            response = requests.get(self.url + "/info/", headers=self.session.headers, timeout=60)
            slowest = max(slowest, time.monotonic() - started)
            answered += response.status_code == 200
            if not thread.is_alive():
                break
            time.sleep(0.1)
        thread.join()
        assert slowest < LIVENESS_SECONDS, f"/info/ took {slowest:.1f} s while the hostile request ran"
        assert answered >= 1
        return outcome["result"]

    def project(self):
        return ok_json(self.post("/projects/", json={"name": "Hostile"}), 201)

    def upload(self, project, name: str, body: bytes, content_type: str):
        return self.post("/files/", data={"project": project["url"]}, files={"media": (name, body, content_type)})


def ok_json(response, status=200):
    assert response.status_code == status, response.text[:2000]
    return response.json()


@pytest.fixture
def live(live_server, api):
    return Live(live_server.url, api)


def _png(width: int, height: int) -> bytes:
    """A valid RGBA PNG of one colour, written row by row (a few hundred KB for 100 megapixels)."""
    row = b"\x00" + b"\x10\x20\x30\xff" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# --- finding 1: SVG drawing ------------------------------------------------------------------------


def test_an_svg_of_ten_thousand_blurred_uses_is_refused_before_drawing(live):
    project = live.project()
    response = live.while_live(lambda: live.upload(project, "bomb.svg", USE_BOMB.encode(), "image/svg+xml"))
    assert response.status_code == 400, response.text
    assert "through filters" in response.json()["media"][0]


def test_a_slow_svg_thumbnail_stops_at_the_time_limit_with_a_400(live, settings):
    settings.MEDIA_WORK_TIME_LIMIT = 4.0
    project = live.project()
    file = ok_json(live.upload(project, "slow.svg", SLOW_SVG.encode(), "image/svg+xml"), 201)
    started = time.monotonic()
    response = live.while_live(lambda: live.get(f"/files/{file['id']}/thumbnail/", params={"width": 1920, "height": 1080}))
    assert response.status_code == 400, response.text
    assert "took longer than the limit of 4 s" in response.json()["detail"]
    assert time.monotonic() - started < 15


# --- finding 2: text-replace -----------------------------------------------------------------------


def test_text_replace_refuses_an_oversized_result_before_building_it(live):
    project = live.project()
    body = '<svg xmlns="http://www.w3.org/2000/svg"><text>' + "Q" * 10_000 + "</text></svg>"
    file = ok_json(live.upload(project, "q.svg", body.encode(), "image/svg+xml"), 201)
    tracemalloc.start()
    try:
        response = live.while_live(lambda: live.post(f"/files/{file['id']}/text-replace/",
                                                     json={"search": "Q", "replace": "R" * 100_000}))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400, response.text
    assert "would be 1,000,0" in response.json()["replace"][0]  # 10,000 x 100,000 bytes and the rest
    assert peak < 20 * 1024 * 1024  # the old code built the gigabyte first


# --- finding 3: image decoding ---------------------------------------------------------------------


def test_a_100_megapixel_png_thumbnail_is_decoded_outside_the_server_process(live):
    project = live.project()
    png = _png(10_000, 10_000)
    assert len(png) < 1_000_000
    file = ok_json(live.upload(project, "huge.png", png, "image/png"), 201)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = live.while_live(lambda: live.get(f"/files/{file['id']}/thumbnail/", params={"width": 320, "height": 180}))
    assert response.status_code == 200, response.text[:500]
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 200 * 1024, f"the server process grew by {grown_kib // 1024} MiB"


def test_a_decode_past_the_memory_limit_is_a_400_naming_it(api, settings, isolated_media):
    settings.MEDIA_WORK_MEMORY_LIMIT = 300 * 1024 * 1024  # the 100-megapixel decode needs about 630 MB
    project = ok(api.post("/projects/", {"name": "P", "width": 160, "height": 90}, format="json"), 201)
    upload = SimpleUploadedFile("huge.png", _png(10_000, 10_000), content_type="image/png")
    file = ok(api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart"), 201)
    response = api.get(f"/files/{file['id']}/thumbnail/", {"width": 320, "height": 180})
    assert response.status_code == 400
    assert "more memory than the limit of 300 MiB" in response.data["detail"]


def test_every_slot_busy_is_a_503_with_retry_after(api, settings, image_path):
    settings.MEDIA_WORK_CONCURRENCY = 1
    settings.MEDIA_WORK_QUEUE_WAIT = 0.2
    project = ok(api.post("/projects/", {"name": "P", "width": 160, "height": 90}, format="json"), 201)
    with open(image_path, "rb") as handle:
        upload = SimpleUploadedFile("still.png", handle.read(), content_type="image/png")
    file = ok(api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart"), 201)
    slots = _semaphore(1)
    assert slots.acquire(timeout=5)
    try:
        response = api.get(f"/files/{file['id']}/thumbnail/")
    finally:
        slots.release()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert api.get(f"/files/{file['id']}/thumbnail/").status_code == 200


# --- finding 11: references read as CSS and XML read them ---------------------------------------


@pytest.mark.parametrize("body", [
    '<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: u\\72l(file:///etc/passwd) }</style><rect/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@\\69mport "http://127.0.0.1/x.css";</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: u\\72l(&quot;/etc/passwd&quot;)"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face { src: local(x) }</style></svg>',
    '<?xml version="1.0"?><!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg"/>',
])
def test_escaped_css_references_and_an_outside_doctype_are_refused(api, body):
    project = ok(api.post("/projects/", {"name": "P", "width": 160, "height": 90}, format="json"), 201)
    upload = SimpleUploadedFile("drawing.svg", body.encode(), content_type="image/svg+xml")
    response = api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart")
    assert response.status_code == 400, response.data
    assert "outside" in str(response.data["media"])


def test_the_w3c_svg_doctype_is_still_accepted(api):
    project = ok(api.post("/projects/", {"name": "P", "width": 160, "height": 90}, format="json"), 201)
    body = ('<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>')
    upload = SimpleUploadedFile("drawing.svg", body.encode(), content_type="image/svg+xml")
    ok(api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart"), 201)


@pytest.mark.parametrize("body, reason", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>', "contains itself"),
    ('<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 300 + "</g>" * 300 + "</svg>", "deep"),
    ('<svg xmlns="http://www.w3.org/2000/svg">' + "<rect/>" * 20_001 + "</svg>", "20,002 elements"),  # with the root
    ('<svg xmlns="http://www.w3.org/2000/svg"><filter id="f">' + "<feOffset/>" * 201 + "</filter></svg>",
     "filter primitives"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { filter: blur(5px) }</style>' + "<rect/>" * 101 + "</svg>",
     "through filters"),
])
def test_svg_cost_limits_are_checked_on_the_parsed_tree(api, body, reason):
    project = ok(api.post("/projects/", {"name": "P", "width": 160, "height": 90}, format="json"), 201)
    upload = SimpleUploadedFile("drawing.svg", body.encode(), content_type="image/svg+xml")
    response = api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart")
    assert response.status_code == 400, response.data
    assert reason in str(response.data["media"])
