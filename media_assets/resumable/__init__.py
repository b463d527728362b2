"""Resumable uploads: the tus 1.0.0 protocol's uploads, their bytes on disk, and what they become.

`tus` is the protocol's pure vocabulary (headers, metadata, checksums);
`models` the `Upload` row; `services` creating, appending to, finishing,
terminating and expiring uploads. The routes are media_assets.api.upload_views.
"""
