"""Pure media vocabulary shared by every app and the renderer: no Django imports here.

What several layers must agree on (image formats, the timeline's limits and
enumerations, the caption cue grammar, running ffmpeg) is defined once in
this package, below `media_assets`, `projects` and `exports` alike, so the
renderer can import it and stay free of Django.
"""
