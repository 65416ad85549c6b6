"""Reading the files a command is given, in bounded memory: a text up to a size named by
the command, JSON Lines one line at a time up to a line length. A file larger than that
(/dev/zero, a pipe that never ends) is refused with one line, never read to the end."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from eventstore.errors import MilestonesError

_CHUNK = 1 << 16
_UTF8_MAX = 4  # bytes a character may take


def _open(name: str) -> BinaryIO:
    try:
        return sys.stdin.buffer if name == "-" else open(name, "rb")
    except OSError as error:
        raise MilestonesError(f"cannot read {name}: {error.strerror}") from None


def _decode(name: str, raw: bytes, where: str = "") -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MilestonesError(f"{name}{where}: not UTF-8 text (byte {error.start})") from None


def read_text(name: str, limit: int) -> str:
    """A whole text file (or standard input, "-"), refused past `limit` bytes."""
    stream = _open(name)
    try:
        chunks, size = [], 0
        while size <= limit:
            chunk = stream.read(min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise MilestonesError(f"cannot read {name}: {error.strerror}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if size > limit:
        raise MilestonesError(f"{name}: larger than {limit:,} bytes, the most this command reads")
    return _decode(name, b"".join(chunks))


def read_lines(name: str, max_characters: int) -> Iterator[str]:
    """The lines of a file one at a time; a line longer than `max_characters` is refused
    with its number before more of it is read."""
    stream = _open(name)
    limit = max_characters * _UTF8_MAX + 2  # the line's own end, \r\n, besides
    try:
        number = 0
        while True:
            try:
                raw = stream.readline(limit)
            except OSError as error:
                raise MilestonesError(f"cannot read {name}: {error.strerror}") from None
            if not raw:
                return
            number += 1
            line = _decode(name, raw, f":{number}")
            if (len(raw) >= limit and not raw.endswith(b"\n")) or len(line.rstrip("\r\n")) > max_characters:
                raise MilestonesError(
                    f"{name}:{number}: line longer than {max_characters:,} characters, the most a line may hold"
                )
            yield line.rstrip("\r\n")
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
