"""One job machine for every kind of background work (renders, project thumbnails, next previews, ...).

`models` holds the job row (`JobFields`, `Job`), `registry` the kinds,
`machine` the services (queue, claim, progress, cancel, finish, fail,
sweep), `lease` the background lease renewer for long steps, and
`middleware` the sweeper every worker runs. Results travel through the
database and the media storage, never a local folder.
"""
