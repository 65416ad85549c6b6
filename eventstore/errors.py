"""Errors the library raises. Each carries one line a user can act on."""


class MilestonesError(Exception):
    """Bad input or no usable store: nothing was written."""

    exit_code = 2


class InvalidDate(MilestonesError):
    """A date that cannot be read, or that cannot exist (2019-02-30, 2019-Q5)."""


class InvalidEvent(MilestonesError):
    """An event that breaks the vocabulary of event types and attributes."""


class UnknownDrug(MilestonesError):
    """A drug name the store has never seen."""


class UnknownEvent(MilestonesError):
    """An event id the store does not hold."""


class StoreUnavailable(MilestonesError):
    """The store cannot be opened, reached or written."""


class AccessDenied(StoreUnavailable):
    """The database refused this role what it asked (a reader writing, say)."""


DEFAULT_LOCK_TIMEOUT = 30.0  # seconds a writer waits for another to let go of the store


class LockTimeout(MilestonesError):
    """Another writer held the store's append lock longer than this one would wait."""

    exit_code = 3


class ConcurrencyError(MilestonesError):
    """A stale expected stream version: someone appended first. Nothing was written."""

    exit_code = 3
