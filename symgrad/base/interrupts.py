"""Ctrl-C that is never lost.

Python delivers SIGINT as ``KeyboardInterrupt`` wherever the main thread happens
to be.  When that is inside a callback run by a C extension (JAX's garbage
collection hook, for one), the exception is printed as "Exception ignored" and
swallowed, and the program would carry on.  :func:`install` records every
SIGINT in a flag as well as raising; long loops call :func:`checkpoint`, and
the CLI checks :func:`interrupted` before it reports success.

>>> reset(); interrupted()
False
"""

from __future__ import annotations

import signal
import sys
import threading

__all__ = ["checkpoint", "install", "interrupted", "reset"]

_flag = threading.Event()


def _handler(signum, frame):  # pragma: no cover - exercised by a subprocess test
    _flag.set()
    raise KeyboardInterrupt


def _unraisable(info, _previous=sys.unraisablehook):  # pragma: no cover - subprocess test
    # a KeyboardInterrupt raised inside a C callback: keep it (as the flag), print nothing
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        _flag.set()
        return
    _previous(info)


def install() -> None:
    """Route SIGINT through the flag (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handler)
        sys.unraisablehook = _unraisable


def interrupted() -> bool:
    """True once a SIGINT has arrived (even if its exception was swallowed)."""
    return _flag.is_set()


def checkpoint() -> None:
    """Raise ``KeyboardInterrupt`` if a SIGINT arrived earlier and was swallowed."""
    if _flag.is_set():
        raise KeyboardInterrupt


def reset() -> None:
    """Forget earlier interrupts (for tests and long-lived sessions)."""
    _flag.clear()
