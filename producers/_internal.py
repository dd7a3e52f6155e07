"""The library's own diagnostics: a silent internal logger and a hook for swallowed exceptions.

The producer lives inside someone else's process, so its own logging is silent unless debug is on
(like sentry-sdk's ``sentry_sdk.errors`` logger), and every exception it swallows to keep ``emit()``
from raising goes through ``capture_internal_exception`` so tests can re-raise it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

__all__ = ["capture_internal_exception", "set_internal_exception_hook", "set_debug", "debug_enabled"]

logger = logging.getLogger(__name__)

_ROOT = logging.getLogger("producers")
_ROOT.addHandler(logging.NullHandler())
# Silent by default: our records neither reach the host's root handlers nor our own KafkaLogHandler.
_ROOT.propagate = False

_hook: Callable[[BaseException], None] | None = None
_debug_handler: logging.Handler | None = None


def set_debug(enabled: bool) -> None:
    """Turn the library's own diagnostics on (to stderr, DEBUG and up) or off.

    :param enabled: True to print the library's internal log lines on stderr.
    """
    global _debug_handler
    if enabled and _debug_handler is None:
        _debug_handler = logging.StreamHandler(sys.stderr)
        _debug_handler.setFormatter(logging.Formatter("[producers] %(levelname)s %(name)s: %(message)s"))
        _ROOT.addHandler(_debug_handler)
        _ROOT.setLevel(logging.DEBUG)
    elif not enabled and _debug_handler is not None:
        _ROOT.removeHandler(_debug_handler)
        _debug_handler = None
        _ROOT.setLevel(logging.NOTSET)


def debug_enabled() -> bool:
    return _debug_handler is not None


def set_internal_exception_hook(hook: Callable[[BaseException], None] | None) -> None:
    """Install a callable that receives every exception the library swallows (tests use it to re-raise).

    :param hook: the callable, or None to remove it.
    """
    global _hook
    _hook = hook


def capture_internal_exception(exc: BaseException) -> None:
    """Record an exception that was swallowed to protect the host process."""
    logger.debug("internal error swallowed: %r", exc, exc_info=exc)
    hook = _hook
    if hook is not None:
        try:
            hook(exc)
        except Exception:  # a broken hook must not break the host either
            pass


if os.environ.get("LOGWATCH_PRODUCER_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
    set_debug(True)
