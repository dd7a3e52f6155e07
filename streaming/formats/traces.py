"""A stack trace inside a raw record (a Java or Python error logged with its trace, which a shipper sent as one
multi-line record) taken out of the message into the event's ``exception``."""

from __future__ import annotations

import re

__all__ = ["EXCEPTION_LINE", "split_trace"]

# "ValueError: bad" ending a Python traceback, "java.lang.IllegalStateException: bad" opening a Java one.
EXCEPTION_LINE = re.compile(
    r"([A-Za-z_][\w$.]*(?:Error|Exception|Exit|Interrupt|Fault|Throwable))(?::\s*(.*))?", re.ASCII
)
_PYTHON_START = "Traceback (most recent call last):"
_JAVA_FRAME = re.compile(r"\s+at \S+\(", re.ASCII)
# A trace starts within a message's first lines; looking no further bounds the cost of a hostile record of many lines.
_MAX_HEAD_LINES = 100


def split_trace(message: str) -> tuple[str, dict[str, str | None] | None]:
    """``message`` without the stack trace that follows its first line, and that trace as ``exception``
    {type, message, stacktrace}; the message unchanged and None when none of its first lines after the first opens a
    Python traceback or a Java exception followed by its frames."""
    if "\n" not in message:
        return message, None
    lines = message.split("\n")
    for index in range(1, min(len(lines), _MAX_HEAD_LINES)):
        line = lines[index].strip()
        if line == _PYTHON_START:
            thrown = next((m for text in reversed(lines[index + 1 :]) if (m := EXCEPTION_LINE.match(text))), None)
            break
        thrown = EXCEPTION_LINE.match(line)
        if thrown is not None and any(_JAVA_FRAME.match(text) for text in lines[index + 1 : index + 4]):
            break
    else:
        return message, None
    head = "\n".join(lines[:index]).rstrip()
    trace = "\n".join(lines[index:]).strip()
    if not head:
        return message, None
    return head, {
        "type": thrown.group(1) if thrown else None,
        "message": thrown.group(2) if thrown else None,
        "stacktrace": trace,
    }
