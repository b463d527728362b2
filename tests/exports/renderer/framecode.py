"""Videos whose frames say which frame they are, and a reader for them.

Frame n (1-based) of a frame-coded video shows n in binary as eight
black/white blocks across its top half; the bottom half is a flat grey
"tag" that tells clips apart when several are composited. Blocks are
large, so the code survives H.264 and scaling, and decoding a rendered
frame tells exactly which source frame landed there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, ImageDraw

BITS = 8


def make_frame_coded_video(
    path: Path, *, frames: int = 90, fps: int = 30, width: int = 160, height: int = 90, tag: int = 128,
) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0"}
        for index in range(frames):
            frame = av.VideoFrame.from_image(code_image(index + 1, width, height, tag))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def code_image(number: int, width: int, height: int, tag: int) -> Image.Image:
    image = Image.new("RGB", (width, height), "black")
    draw = ImageDraw.Draw(image)
    for bit in range(BITS):
        if (number >> bit) & 1:
            draw.rectangle([bit * width // BITS, 0, (bit + 1) * width // BITS - 1, height // 2 - 1], fill="white")
    draw.rectangle([0, height // 2, width - 1, height - 1], fill=(tag, tag, tag))
    return image


@dataclass(frozen=True)
class Reading:
    number: int  # the frame number shown (0 for a black frame)
    tag: int  # grey level of the bottom half


def read_code(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> Reading:
    """Decode the frame number inside box (x, y, width, height; the whole image by default)."""
    grey = image.convert("L")
    x, y, width, height = box or (0, 0, *grey.size)
    number = 0
    for bit in range(BITS):
        centre = (x + int((bit + 0.5) * width / BITS), y + height // 4)
        if grey.getpixel(centre) > 128:
            number |= 1 << bit
    return Reading(number, grey.getpixel((x + width // 2, y + 3 * height // 4)))


def decoded_frames(path: Path | str) -> list[Image.Image]:
    with av.open(str(path)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]

