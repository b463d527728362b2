"""Job kinds: what the machine needs to know about each kind of background work.

Each app registers its kinds explicitly, in its `tasks.py` beside the
actors (imported once at start-up by `config.jobs.apps`):

    job_kind_register(JobKind(name="export", model=Export, actor_name="render_export",
                              on_failed=export_failure_recorded))

`model` is the row class holding the job's state (a `JobFields` subclass;
for `Job` rows the kind's name also filters them); `actor_name` is the
Dramatiq actor that takes the row's id; `on_failed(pk, reason)` is called
after the machine itself failed a job (a cancelled job whose worker died,
a job whose worker died too often) so the kind records the reason where
its clients read it and tells whom it must.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db import models

_KINDS: dict[str, "JobKind"] = {}


@dataclass(frozen=True)
class JobKind:
    name: str
    model: type[models.Model]
    actor_name: str
    on_failed: Callable[[int, str], None] | None = None
    # How log lines and reasons name one job: "export" -> "export 12".
    noun: str = ""

    def rows(self) -> models.QuerySet:
        """The rows of this kind (all of `model`, or only this kind's `Job` rows)."""
        queryset = self.model._default_manager.all()
        if any(field.name == "kind" for field in self.model._meta.fields):
            queryset = queryset.filter(kind=self.name)
        return queryset

    def describe(self, pk: int) -> str:
        return f"{self.noun or self.name} {pk}"


def job_kind_register(kind: JobKind) -> JobKind:
    """Add a kind (registering the same name again replaces it: a module may be re-imported in tests)."""
    _KINDS[kind.name] = kind
    return kind


def job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered; is its app's tasks.py imported?") from None


def job_kinds() -> list[JobKind]:
    return list(_KINDS.values())


# --- housekeeping: cleaning that is not a job -----------------------------------------------

_HOUSEKEEPING: dict[str, Callable[[], object]] = {}


def housekeeping_register(name: str, task: Callable[[], object]) -> None:
    """A cleaning task the sweeper runs on every pass beside `job_sweep` (e.g. expired uploads).

    An app registers it from its own code (its AppConfig.ready or tasks.py);
    the machine knows no app. A task must be cheap when there is nothing to do.
    """
    _HOUSEKEEPING[name] = task


def housekeeping_tasks() -> dict[str, Callable[[], object]]:
    return dict(_HOUSEKEEPING)
