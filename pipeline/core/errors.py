"""The one family of errors a user can cause.

Every user-caused problem (a bad FIT file, a bad config value, a bad command-line value) is a
``SweatlineInputError``. Its ``str()`` is the single line the command line prints on stderr
(``SOURCE: reason``) before exiting with status 2; nothing else in the program prints it.
Derived from ``Exception`` (never ``BaseException``) so a nightly loop and Prefect's task
failure handling can catch it and go on with the next file.
"""
from __future__ import annotations


class SweatlineInputError(Exception):
    """A problem with what the user gave us: ``source`` names it, ``reason`` says what is wrong."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = str(source)
        self.reason = " ".join(str(reason).split())  # always one line
        super().__init__(f"{self.source}: {self.reason}")


class ConfigError(SweatlineInputError):
    """The configuration file is missing, unreadable or holds an impossible value."""


class UsageError(SweatlineInputError):
    """A command-line value is out of range or malformed (``--humidity 140``, ``--duration 0``)."""


class DamagedData(SweatlineInputError):
    """Something in the data directory is not as Sweatline left it: a catalog that is empty,
    truncated, not SQLite, from a newer Sweatline, missing a table, or holding text where a number
    belongs. ``source`` is the damaged file; ``reason`` says what is wrong and what to do. Shown
    with exit 2 like any input the user can fix, never passed on as an answer."""


class RejectedFile(SweatlineInputError):
    """A file that is not a usable activity: empty, not FIT, truncated, CRC failure, settings...

    ``kind`` is a short machine-readable tag stored in the catalog beside ``reason``
    (``empty``, ``not_fit``, ``truncated``, ``crc``, ``header``, ``not_activity``, ``archive``,
    ``decode``).
    """

    def __init__(self, source: str, reason: str, kind: str = "decode") -> None:
        self.kind = kind
        super().__init__(source, reason)


class InvalidValue(UsageError):
    """A value outside what a model accepts, named by its *field* (``pre_kg``, ``duration_s``).

    Raised by :func:`pipeline.core.inputs.checked`; the command line shows the field as its own flag
    (``--pre``), a flow as its parameter name.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.worded = reason  # as made: a pipeline.core.notes.ModelNote writes itself in a reader's units
        super().__init__(field, reason)
