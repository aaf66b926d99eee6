"""Run a computation under a wall-clock budget, so an exact solve never hangs.

SymPy's Groebner bases can take minutes on systems that look small.  The exact
stationary-point solver therefore runs under a time budget: when it runs out,
:class:`BudgetExceeded` is raised inside the (pure-Python) SymPy computation, and
the caller takes the numeric path and says so.  Two mechanisms raise it
(:func:`mechanism` says which one a call in the current thread gets):

``"signal"``
    In the main thread where ``SIGALRM`` exists (Linux, macOS, other Unixes): a
    real-time interval timer (``signal.setitimer``) whose handler raises the
    exception.
``"thread"``
    Everywhere else (Windows, and any non-main thread): a watchdog thread that,
    at the deadline, raises the exception asynchronously in the computing thread
    (CPython's ``PyThreadState_SetAsyncExc``).

Both land between two Python bytecodes of the computation.  What neither can
interrupt, on any platform, is one long call into C code (a single huge
GMP/FLINT multiplication, say): the exception lands when that call returns.
The Python code of the exact solver consists of many short steps, so in
practice the budget is kept to within a fraction of a second.  On a Python
that is not CPython and has no ``SIGALRM`` in the calling thread, there is no
way to interrupt the computation: :func:`run_with_budget` then says so in a
one-line :class:`RuntimeWarning` and runs without a budget.

If the exception happens to be raised inside a callback run by C code (a
garbage collector hook, say), Python reports it as "ignored" and carries on;
the budget therefore fires again every :data:`REPEAT` seconds until the
exception lands in the computation, and such swallowed copies are kept out of
``sys.unraisablehook``.  Each budget raises its own subclass of
:class:`BudgetExceeded`, so nested budgets (the claim checker calling the
solver) each catch only their own.  The previous signal handler, timer and hook
are restored when the last budget ends.

>>> run_with_budget(sum, ([1, 2, 3],), seconds=30)
(True, 6)
>>> mechanism() in ("signal", "thread", "none")
True
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["EXACT_TIME_BUDGET", "REPEAT", "BudgetExceeded", "mechanism", "run_with_budget"]

#: Seconds the exact solver may take before symgrad falls back to the numeric path.
EXACT_TIME_BUDGET = 20.0
#: After the budget, the exception is raised again at this interval until it lands.
REPEAT = 0.05
#: the shortest timer interval set (0 would switch the timer off)
_TICK = 1e-4
_NOT_SAVED = object()


class BudgetExceeded(BaseException):
    """Raised inside the computation when its time budget has run out.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that library code with
    ``except Exception`` cannot swallow it.
    """


class _Budget:
    """One running budget: its thread, deadline, exception class and watchdog."""

    def __init__(self, seconds: float, how: str):
        self.ident = threading.get_ident()
        self.deadline = time.monotonic() + seconds
        self.how = how
        self.exc = type("BudgetExceeded", (BudgetExceeded,), {"__module__": __name__})
        self.armed = True
        #: released to wake the watchdog early; a raw lock, because the budget's own
        #: exception may land anywhere in Python code (inside threading.Event, say)
        self.wake = _thread.allocate_lock()
        self.wake.acquire()
        self.watching = False  # a watchdog was started ...
        self.done = False  # ... and has finished


#: thread ident -> its running budgets, outermost first
_stacks: dict[int, list[_Budget]] = {}
_saved_handler: Any = _NOT_SAVED
_saved_hook: Any = None


def _async_exc_api():
    """CPython's ``PyThreadState_SetAsyncExc``, or None on other Pythons."""
    if sys.implementation.name != "cpython":  # pragma: no cover - CPython in CI
        return None
    try:
        import ctypes

        return ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):  # pragma: no cover - CPython always has it
        return None


def mechanism() -> str:
    """How a budget started in the calling thread is enforced: ``signal``, ``thread``
    or ``none`` (see the module doc)."""
    if (hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()):
        return "signal"
    return "thread" if _async_exc_api() is not None else "none"


# -- the signal mechanism (main thread) ----------------------------------------------------

def _main_budgets() -> list[_Budget]:
    return [b for b in _stacks.get(threading.main_thread().ident, ()) if b.how == "signal"]


def _rearm(floor: float = _TICK) -> None:
    """Set the timer to the earliest deadline of the armed budgets (at least ``floor``
    seconds away), or switch it off."""
    live = [b.deadline for b in _main_budgets() if b.armed]
    if live:
        signal.setitimer(signal.ITIMER_REAL, max(min(live) - time.monotonic(), floor), REPEAT)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _alarm(signum, frame):
    now = time.monotonic()
    for b in _main_budgets():  # outermost first: unwind everything that has run out
        if b.armed and b.deadline <= now:
            raise b.exc
    _rearm()  # the timer woke a little early, or nothing is armed any more


def _start_signal(b: _Budget) -> None:
    global _saved_handler
    if _saved_handler is _NOT_SAVED:
        _saved_handler = signal.signal(signal.SIGALRM, _alarm)
    _rearm()


def _stop_signal() -> None:
    global _saved_handler
    if _main_budgets():
        _rearm(REPEAT)  # an outer budget that has run out fires after this one is closed
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    if _saved_handler is not _NOT_SAVED:
        signal.signal(signal.SIGALRM, _saved_handler)
        _saved_handler = _NOT_SAVED


# -- the thread mechanism (anywhere on CPython) --------------------------------------------

def _inject(ident: int, exc) -> None:
    """Raise ``exc`` asynchronously in thread ``ident`` (None: drop one not yet raised)."""
    import ctypes

    _async_exc_api()(ctypes.c_ulong(ident), None if exc is None else ctypes.py_object(exc))


def _watch(b: _Budget) -> None:
    try:
        if b.wake.acquire(True, max(b.deadline - time.monotonic(), 0.0)):
            return
        while b.armed:
            _inject(b.ident, b.exc)
            if b.wake.acquire(True, REPEAT):
                return
    finally:
        b.done = True


def _start_thread(b: _Budget) -> None:
    # the computing thread only calls C functions and sets attributes here and in _close:
    # no Python-level lock it could be interrupted inside while holding it
    b.watching = True
    _thread.start_new_thread(_watch, (b,))


# -- both ----------------------------------------------------------------------------------

def _filter_hook(info) -> None:
    """``sys.unraisablehook`` while budgets run: drop copies of their exception."""
    if info.exc_type is not None and issubclass(info.exc_type, BudgetExceeded):
        return  # swallowed inside a C callback; the budget fires again
    (_saved_hook or sys.__unraisablehook__)(info)


def _install_hook() -> None:
    global _saved_hook
    if sys.unraisablehook is not _filter_hook:
        _saved_hook, sys.unraisablehook = sys.unraisablehook, _filter_hook


def _remove_hook() -> None:
    global _saved_hook
    if not any(_stacks.values()) and sys.unraisablehook is _filter_hook:
        sys.unraisablehook, _saved_hook = _saved_hook or sys.__unraisablehook__, None


def _close(b: _Budget) -> None:
    """Stop ``b`` and every budget started inside it (idempotent)."""
    stack = _stacks.get(b.ident, [])
    start = stack.index(b) if b in stack else len(stack)
    closing = stack[start:] or [b]
    for inner in closing:
        inner.armed = False
        try:
            inner.wake.release()
        except RuntimeError:  # released before
            pass
    for inner in reversed(closing):
        if inner.watching:
            while not inner.done:
                time.sleep(0.001)
            _inject(inner.ident, None)  # the watchdog may have fired once more
    del stack[start:]
    if not stack:
        _stacks.pop(b.ident, None)
    if b.how == "signal":
        _stop_signal()


def _close_safely(b: _Budget) -> None:
    """:func:`_close`, retried when a budget's exception lands while it runs."""
    while True:
        try:
            _close(b)
            return
        except BudgetExceeded:  # ours (harmless now) or an outer one (it fires again)
            continue


def _warn_unenforced() -> None:
    warnings.warn("symgrad: the time budget cannot interrupt a computation on this Python "
                  "(no SIGALRM in this thread and no CPython thread API): it may run long",
                  RuntimeWarning, stacklevel=3)


def run_with_budget(fn: Callable[..., Any], args: tuple, *, seconds: float) -> tuple[bool, Any]:
    """``(True, fn(*args))``, or ``(False, None)`` when ``seconds`` ran out.

    Exceptions of ``fn`` pass through.  Works in any thread, on any platform (see
    the module doc for the one thing no mechanism can interrupt).
    """
    how = mechanism()
    if how == "none":
        _warn_unenforced()
        return True, fn(*args)
    b = _Budget(seconds, how)
    _install_hook()
    _stacks.setdefault(b.ident, []).append(b)
    missing = result = object()
    try:
        try:
            _start_signal(b) if how == "signal" else _start_thread(b)
            result = fn(*args)
        finally:
            _close_safely(b)
    except b.exc:
        pass
    finally:
        _close_safely(b)  # again, in case the exception landed inside the first one
        _remove_hook()
    return (False, None) if result is missing else (True, result)
