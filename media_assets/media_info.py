"""Pieces of libopenshot's reader info that several media kinds share."""

from typing import Any


def no_audio() -> dict[str, Any]:
    """The audio keys of a file without sound, as libopenshot's FFmpegReader/QtImageReader report them."""
    return {
        "has_audio": False,
        "audio_stream_index": -1,
        "acodec": "",
        "sample_rate": 0,
        "channels": 0,
        "channel_layout": 0,
        "audio_bit_rate": 0,
        "audio_timebase": {"num": 0, "den": 1},
    }
