"""The classify time budget without SIGALRM (Windows) and off the main thread.

The budget must never silently turn off: where the Unix timer signal is missing or
cannot be used (any thread but the main one), a watchdog thread raises the budget's
exception in the computing thread.  These tests simulate Windows by removing
``signal.SIGALRM`` and ``signal.setitimer``, and run computations in worker threads.
"""

from __future__ import annotations

import gc
import signal
import threading
import time

import pytest

from symgrad.analysis.stationary import analyse, budget
from symgrad.analysis.stationary.budget import mechanism, run_with_budget

# Three variables, Bezout number 27: eligible for the exact path, but SymPy's Groebner
# basis runs for over a minute on it (measured: > 60 s), so only the budget ends it.
LONG = "x**3*y + y**3*z + z**3*x + x**2*y*z - x + 2*y - 3*z"


def spin(seconds=30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            sum(range(1000))
        except Exception:  # library code that swallows errors must not swallow the budget
            pass
    return "finished"


@pytest.fixture
def no_alarm(monkeypatch):
    """A platform without SIGALRM/setitimer, as on Windows."""
    monkeypatch.delattr(signal, "SIGALRM")
    monkeypatch.delattr(signal, "setitimer")
    assert mechanism() == "thread"


def in_thread(fn, *args, **kwargs):
    """Run ``fn`` in a worker thread; its value (or exception) and the seconds it took."""
    out = {}

    def target():
        start = time.monotonic()
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the test thread
            out["error"] = exc
        out["seconds"] = time.monotonic() - start

    t = threading.Thread(target=target)
    t.start()
    t.join(120)
    assert not t.is_alive(), "the budget did not stop the worker"
    if "error" in out:
        raise out["error"]
    return out["value"], out["seconds"]


def test_mechanism_by_thread():
    assert mechanism() == "signal"  # pytest runs tests in the main thread, on Linux
    assert in_thread(mechanism)[0] == "thread"


def test_without_sigalrm_the_budget_stops_a_spin(no_alarm):
    start = time.monotonic()
    assert run_with_budget(spin, (), seconds=0.2) == (False, None)
    assert 0.2 <= time.monotonic() - start < 2
    time.sleep(3 * budget.REPEAT)  # no stray exception arrives after the budget has ended


def test_in_a_worker_thread_the_budget_stops_a_spin():
    (done, value), seconds = in_thread(run_with_budget, spin, (), seconds=0.2)
    assert (done, value) == (False, None)
    assert 0.2 <= seconds < 2


def test_thread_budget_passes_results_and_errors_through(no_alarm):
    assert run_with_budget(max, ([3, 9, 4],), seconds=10) == (True, 9)
    with pytest.raises(ZeroDivisionError):
        run_with_budget(lambda: 1 / 0, (), seconds=10)
    time.sleep(0.1)  # a budget that ended early never fires later


def test_nested_thread_budgets_each_catch_their_own(no_alarm):
    # the inner budget (10 s) is cut short by the outer one (0.3 s): the outer reports it
    def outer():
        return run_with_budget(spin, (), seconds=10)

    start = time.monotonic()
    assert run_with_budget(outer, (), seconds=0.3) == (False, None)
    assert time.monotonic() - start < 2
    # the inner one running out first leaves the outer computation going
    assert run_with_budget(lambda: (run_with_budget(spin, (), seconds=0.1), "outer done"),
                           (), seconds=10) == (True, ((False, None), "outer done"))


def test_thread_budget_survives_being_swallowed_in_a_callback(no_alarm):
    swallowed = []

    def callback(phase, info):
        try:
            sum(range(100))
        except BaseException as exc:  # as C callbacks do
            swallowed.append(type(exc).__name__)

    def churn():
        end = time.monotonic() + 30
        while time.monotonic() < end:
            [[] for _ in range(200)]  # allocations: the gc runs often
        return "finished"

    gc.callbacks.append(callback)
    try:
        start = time.monotonic()
        assert run_with_budget(churn, (), seconds=0.2) == (False, None)
        assert time.monotonic() - start < 5
    finally:
        gc.callbacks.remove(callback)


def test_without_any_mechanism_a_warning_says_so(monkeypatch, no_alarm):
    monkeypatch.setattr(budget, "_async_exc_api", lambda: None)
    assert mechanism() == "none"
    with pytest.warns(RuntimeWarning, match="cannot interrupt"):
        assert run_with_budget(max, ([1, 2],), seconds=1) == (True, 2)


def check_long_classification(res, seconds):
    # exact path given up after 1 s; the numeric path (about 3 s here) finds the points
    assert any("did not finish within the time budget of 1 s" in n for n in res.notes)
    assert res.path.startswith("numeric")
    assert seconds < 30  # without the budget the exact solver runs for over a minute


def test_long_classification_is_stopped_without_sigalrm(no_alarm):
    start = time.monotonic()
    res = analyse(LONG, box="-3,3", time_budget=1.0)
    check_long_classification(res, time.monotonic() - start)


def test_long_classification_is_stopped_in_a_worker_thread():
    res, seconds = in_thread(analyse, LONG, box="-3,3", time_budget=1.0)
    check_long_classification(res, seconds)


def test_nested_signal_budgets_restore_the_timer_and_handler():
    before = signal.getsignal(signal.SIGALRM)

    def outer():
        return run_with_budget(spin, (), seconds=10)

    start = time.monotonic()
    assert run_with_budget(outer, (), seconds=0.3) == (False, None)  # the outer one ran out
    assert time.monotonic() - start < 2
    assert run_with_budget(lambda: (run_with_budget(spin, (), seconds=0.1), "outer done"),
                           (), seconds=10) == (True, ((False, None), "outer done"))
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
