"""The exact solver's time budget: past it, the numeric path (said so), never a hang."""

from __future__ import annotations

import signal
import time

import pytest

from symgrad.analysis.stationary import analyse
from symgrad.analysis.stationary.budget import run_with_budget
from symgrad.base.errors import SymgradError


def test_budget_interrupts_a_long_computation_and_restores_the_handler():
    before = signal.getsignal(signal.SIGALRM)

    def spin():
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                sum(range(1000))
            except Exception:  # library code that swallows errors must not swallow the budget
                pass
        return "finished"

    start = time.monotonic()
    done, value = run_with_budget(spin, (), seconds=0.2)
    assert (done, value) == (False, None)
    assert time.monotonic() - start < 5
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_budget_passes_results_and_errors_through():
    assert run_with_budget(max, ([3, 9, 4],), seconds=10) == (True, 9)
    with pytest.raises(ZeroDivisionError):
        run_with_budget(lambda: 1 / 0, (), seconds=10)


def test_exhausted_budget_takes_the_numeric_path_and_says_so():
    # (x^2-1)^2 + (y^2-1)^2: 4 minima, 1 maximum, 4 saddles (by hand: x, y in {-1, 0, 1});
    # SymPy's cache is cleared first: another test in the same process may have solved this
    # system, and a solve served from the cache can finish inside a tiny budget
    from sympy.core.cache import clear_cache

    clear_cache()
    res = analyse("(x**2-1)**2 + (y**2-1)**2", box="-2,2", time_budget=1e-6)
    assert any("time budget" in n for n in res.notes), (res.method, res.notes)
    assert len(res.points) == 9, (res.method, res.notes, [p.coords for p in res.points])


def test_exhausted_budget_without_box_is_a_one_line_error():
    from sympy.core.cache import clear_cache

    clear_cache()
    with pytest.raises(SymgradError, match="time budget"):
        analyse("(x**2-1)**2 + (y**2-1)**2", time_budget=1e-6)


def test_budget_survives_being_swallowed_in_a_callback():
    # a gc callback that swallows whatever is raised inside it, as C callbacks do
    import gc

    swallowed = []

    def callback(phase, info):
        try:
            sum(range(100))
        except BaseException as exc:
            swallowed.append(type(exc).__name__)

    gc.callbacks.append(callback)
    try:

        def churn():
            end = time.monotonic() + 30
            while time.monotonic() < end:
                [[] for _ in range(200)]  # allocations: the gc runs often
            return "finished"

        start = time.monotonic()
        assert run_with_budget(churn, (), seconds=0.2) == (False, None)
        assert time.monotonic() - start < 5
    finally:
        gc.callbacks.remove(callback)
