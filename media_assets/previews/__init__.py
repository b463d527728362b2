"""Previews of every File, made on ingest: thumbnails, a browser-playable proxy, a scrub sprite, a waveform.

`kinds` says which renditions each kind of media gets and what they are;
`models` holds the `Rendition` row (one per file and kind); `graph` turns
a file's probe into the one ffmpeg command that makes all of a video's
renditions from a single decode; `sprites` lays out the scrub sheet and
its WebVTT track; `waveform` computes peaks in BBC audiowaveform's data
format from the samples ffmpeg pipes out; `making` is the worker side
(run, store, record); `services` queues the job and answers the API.
See docs/previews.md.
"""
