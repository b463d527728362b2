"""A hook: how a lower app announces something so that higher apps can act on it without being named.

Imports point one way (`notifications` → `sharing` → `review` → `exports`
→ `projects` → `media_assets` → `config`). When a lower app must let a
higher one follow what it does (a preview for every new file, a mail when
a render ends), it declares a `Hook` in its `hooks.py` and announces; the
higher app subscribes once, from its `AppConfig.ready()`.

Every hook keeps the same promises, so each app's `hooks.py` only says what
its hooks mean and what their callbacks receive:

- callbacks run in the order they subscribed; subscribing the same one
  twice keeps one subscription (`ready()` may run more than once in tests);
- a hook declared `after_commit` runs its callbacks once the current
  transaction commits (Django's `transaction.on_commit`, at once outside
  one) and never when it rolls back, so a callback may queue work that
  reads the rows just written;
- a callback that raises is logged, one line with the hook and what was
  announced, and neither undoes what happened nor keeps the others from
  running;
- callbacks run in the announcing process (a web request, a worker), so
  they must be quick: queue heavy work, do not do it.
"""

from __future__ import annotations

import logging
from typing import Callable

from django.db import transaction


class Hook:
    """Subscribers to one kind of announcement."""

    def __init__(self, name: str, *, logger: str, after_commit: bool = True) -> None:
        self.name = name
        self.after_commit = after_commit
        self._log = logging.getLogger(logger)
        self._callbacks: list[Callable] = []

    def subscribe(self, callback: Callable) -> Callable:
        """Call `callback` on every announcement from now on; returns it (usable as a decorator)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def unsubscribe(self, callback: Callable) -> None:
        """Stop calling `callback` (tests; an app that no longer listens)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    @property
    def subscribers(self) -> tuple[Callable, ...]:
        return tuple(self._callbacks)

    def announce(self, *args, **kwargs) -> None:
        """Call every subscriber with these arguments (after commit, for an `after_commit` hook)."""
        if self.after_commit:
            transaction.on_commit(lambda: self._run(args, kwargs))
        else:
            self._run(args, kwargs)

    def _run(self, args: tuple, kwargs: dict) -> None:
        for callback in list(self._callbacks):
            try:
                callback(*args, **kwargs)
            except Exception:  # a subscriber's failure is its own; what was announced happened either way
                self._log.exception("%s: the %s callback %s failed", _subject(args), self.name,
                                    getattr(callback, "__qualname__", callback))


def _subject(args: tuple) -> str:
    """What an announcement was about, for the log line: `file 3`, or the first argument."""
    if not args:
        return "-"
    first = args[0]
    pk = getattr(first, "pk", None)
    return f"{type(first).__name__.lower()} {pk}" if pk is not None else str(first)
