"""Run a computation under a wall-clock budget, so an exact solve never hangs.

SymPy's Groebner bases can take minutes on systems that look small.  The exact
stationary-point solver therefore runs under a real-time interval timer
(``signal.setitimer``): when the budget runs out, the timer's signal raises
:class:`BudgetExceeded` inside the (pure-Python) SymPy computation, and the
caller takes the numeric path and says so.

If the signal happens to be handled inside a callback run by C code (a garbage
collector hook, say), Python reports the exception as "ignored" and carries on;
the timer therefore keeps firing every 50 ms until the exception lands in the
computation, and such swallowed copies are kept out of ``sys.unraisablehook``.
The handler is disarmed before the timer is stopped, and the previous handler,
timer and hook are restored in ``finally``.  Off the main thread, or where
``SIGALRM`` does not exist, the function runs without a budget.

>>> run_with_budget(sum, ([1, 2, 3],), seconds=30)
(True, 6)
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["EXACT_TIME_BUDGET", "BudgetExceeded", "run_with_budget"]

#: Seconds the exact solver may take before symgrad falls back to the numeric path.
EXACT_TIME_BUDGET = 20.0
#: After the budget, the timer fires again at this interval until the exception lands.
REPEAT = 0.05

_armed = threading.Event()


class BudgetExceeded(BaseException):
    """Raised inside the computation when its time budget has run out.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that library code with
    ``except Exception`` cannot swallow it.
    """


def _alarm(signum, frame):
    if _armed.is_set():
        raise BudgetExceeded


def run_with_budget(fn: Callable[..., Any], args: tuple, *, seconds: float) -> tuple[bool, Any]:
    """``(True, fn(*args))``, or ``(False, None)`` when ``seconds`` ran out."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        return True, fn(*args)
    previous_handler = signal.signal(signal.SIGALRM, _alarm)
    previous_hook = sys.unraisablehook

    def hook(info, _previous=previous_hook):
        if info.exc_type is not None and issubclass(info.exc_type, BudgetExceeded):
            return  # a copy swallowed inside a C callback; the timer fires again
        _previous(info)

    sys.unraisablehook = hook
    _armed.set()
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
        try:
            return True, fn(*args)
        finally:
            _armed.clear()
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BudgetExceeded:
        return False, None
    finally:
        _armed.clear()
        signal.signal(signal.SIGALRM, previous_handler)
        sys.unraisablehook = previous_hook
