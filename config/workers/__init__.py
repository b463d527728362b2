"""Which render and ingest workers are alive, what they do, and how long their queues are.

Every Dramatiq worker process announces itself with a heartbeat row
(`heartbeat.Heartbeats`, a broker middleware): host, pid, the queues it
consumes, when it started, when it was last seen and the jobs it is running
now. `status` turns those rows and the broker's queue lengths into what
`GET /info/workers/`, the admin and `manage.py workers` show, and says when
a queue has no live worker (the trap of a server started without one).
"""
