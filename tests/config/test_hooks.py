"""The one hook every app announces on (config/hooks.py): order, one subscription each, commit, failures."""

import logging

import pytest
from django.db import transaction

from config.hooks import Hook


class Thing:
    pk = 7


@pytest.mark.django_db(transaction=True)
def test_an_after_commit_hook_waits_for_the_commit_and_is_silent_on_rollback():
    heard = []
    hook = Hook("thing_made", logger="montage.test")
    hook.subscribe(lambda thing, *, why: heard.append((thing.pk, why)))
    with transaction.atomic():
        hook.announce(Thing(), why="kept")
        assert heard == []
    with pytest.raises(RuntimeError), transaction.atomic():
        hook.announce(Thing(), why="rolled back")
        raise RuntimeError
    assert heard == [(7, "kept")]


def test_callbacks_run_in_order_once_each_and_a_failure_is_one_logged_line(caplog):
    heard = []

    def broken(thing):
        raise ValueError("down")

    hook = Hook("thing_made", logger="montage.test", after_commit=False)
    first = hook.subscribe(lambda thing: heard.append("first"))
    hook.subscribe(broken)
    hook.subscribe(first)
    hook.subscribe(lambda thing: heard.append("last"))
    with caplog.at_level(logging.ERROR, logger="montage.test"):
        hook.announce(Thing())
    assert heard == ["first", "last"]
    assert len(hook.subscribers) == 3
    [record] = caplog.records
    assert record.getMessage().startswith("thing 7: the thing_made callback") and "broken" in record.getMessage()
    hook.unsubscribe(broken)
    hook.announce(Thing())
    assert heard == ["first", "last", "first", "last"]
