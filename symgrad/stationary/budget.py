"""Run a computation under a wall-clock budget, so an exact solve never hangs.

SymPy's Groebner bases can take minutes on systems that look small.  The exact
stationary-point solver therefore runs under a real-time interval timer
(``signal.setitimer``): when the budget runs out, the timer's signal raises
:class:`BudgetExceeded` inside the (pure-Python) SymPy computation, and the
caller takes the numeric path and says so.  The previous signal handler and
timer are restored in ``finally``.  Off the main thread, or where ``SIGALRM``
does not exist, the function runs without a budget.

>>> run_with_budget(sum, ([1, 2, 3],), seconds=30)
(True, 6)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["EXACT_TIME_BUDGET", "BudgetExceeded", "run_with_budget"]

#: Seconds the exact solver may take before symgrad falls back to the numeric path.
EXACT_TIME_BUDGET = 20.0


class BudgetExceeded(BaseException):
    """Raised inside the computation when its time budget has run out.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that library code with
    ``except Exception`` cannot swallow it.
    """


def _alarm(signum, frame):
    raise BudgetExceeded


def run_with_budget(fn: Callable[..., Any], args: tuple, *, seconds: float) -> tuple[bool, Any]:
    """``(True, fn(*args))``, or ``(False, None)`` when ``seconds`` ran out."""
    usable = hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        return True, fn(*args)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return True, fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BudgetExceeded:
        return False, None
    finally:
        signal.signal(signal.SIGALRM, previous)
