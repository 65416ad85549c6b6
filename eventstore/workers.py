"""Work spread over forked processes: an import's parsing, and the fold of a rebuild or
of a catch-up that touches most drugs. Forked, because the work they are given (a fold
that closes over today's date, say) could not be pickled, and because a fork starts in
milliseconds. multiprocessing is imported when work is spread, not at every start."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import Pool


def forkable() -> bool:
    """Whether this platform forks (Windows does not)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def forked_pool(processes: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Pool:
    """A pool of forked workers; they inherit this process's memory, so the initializer
    and its arguments are never pickled."""
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(processes, _start, (initializer, initargs))


def _start(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    # Ctrl-C reaches the whole process group: the caller stops the pool and says so once,
    # where each worker would print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
