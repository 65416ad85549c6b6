"""Forked workers: what they inherit and how they take Ctrl-C."""

from __future__ import annotations

import os
import signal

import pytest

from eventstore.workers import forkable, forked_pool

pytestmark = pytest.mark.skipif(not forkable(), reason="this platform does not fork")

_inherited: list[str] = []


def _state(_: object) -> tuple[object, list[str], int]:
    return signal.getsignal(signal.SIGINT), _inherited, os.getpid()


def test_workers_inherit_the_initializer_unpickled_and_leave_ctrl_c_to_the_caller():
    started = []
    unpicklable = lambda: started.append(os.getpid())  # noqa: E731  (a closure could not be pickled)

    def initializer(note):
        unpicklable()
        _inherited.append(note)

    with forked_pool(2, initializer, ("set up",)) as pool:
        states = pool.map(_state, range(8))
    assert {handler for handler, _, _ in states} == {signal.SIG_IGN}
    assert all(inherited == ["set up"] for _, inherited, _ in states)
    assert os.getpid() not in {pid for _, _, pid in states}
    assert _inherited == [] and started == []  # the caller's own state is untouched
