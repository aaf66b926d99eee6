"""A second process for the independent part of a verification run.

``symgrad verify`` spends its time in two independent halves: the symbolic and PyTorch
checks, and the JAX checks (whose XLA compiles dominate).  Python runs one thread at a
time, so the JAX half runs in a second Python process beside the first: a fresh
interpreter started with :mod:`subprocess` (``python -m`` this module; it shares no JAX,
flint or mpmath state, and never re-runs the caller's script, which multiprocessing's
``spawn`` would).  The child reads ``(module, function, args)`` as a pickle on stdin and
writes the pickled result on stdout.
The parent prints the rows in the usual order, so the output is byte for byte that of
a run in one process (tested).

``SYMGRAD_PROCESSES=1`` in the environment keeps everything in one process.  A child
that cannot start or dies is not an error: the caller computes the same rows itself.

>>> child = Child.start("math", "fsum", ([0.1] * 10,))
>>> child is None or child.result() == 1.0
True
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["ENV", "Child", "ChildFailed", "run_in_order"]

#: set to ``1`` to run a verification in a single process
ENV = "SYMGRAD_PROCESSES"


class ChildFailed(RuntimeError):
    """The second process exited without a result (the caller computes it itself)."""


class Child:
    """One running child process computing ``module.function(*args)``."""

    def __init__(self, proc: subprocess.Popen, err) -> None:
        self._proc, self._err = proc, err

    @classmethod
    def start(cls, module: str, function: str, args: tuple) -> Child | None:
        """Start the child, or return ``None`` when :data:`ENV` is ``1`` or no process
        can be started."""
        if os.environ.get(ENV, "").strip() == "1":
            return None
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
                   **{ENV: "1"})
        err = tempfile.TemporaryFile()
        try:
            proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=err, env=env)
            proc.stdin.write(pickle.dumps((module, function, args)))
            proc.stdin.close()
        except OSError:  # pragma: no cover - platform without processes
            err.close()
            return None
        return cls(proc, err)

    def result(self) -> Any:
        """The function's return value (the child has then exited and its pipes are
        closed); raises :class:`ChildFailed` when the child exited without one (the last
        line of its stderr is in the message)."""
        data = self._proc.stdout.read()
        self._proc.stdout.close()
        code = self._proc.wait()
        self._err.seek(0)
        detail = self._err.read().decode(errors="replace").strip().splitlines()[-1:]
        self._err.close()
        if code != 0 or not data:
            raise ChildFailed(f"second process exited with status {code}: {detail}")
        return pickle.loads(data)  # our own child's output

    def close(self) -> None:
        """Stop the child if it still runs."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if not self._proc.stdout.closed:
            self._proc.stdout.close()
        if not self._err.closed:
            self._err.close()


def run_in_order(units: Sequence[tuple[bool, Callable[[], Iterable]]],
                 emit: Callable[[Any], None], child: Child | None) -> None:
    """Compute ``units`` (``(remote, compute)`` pairs) and ``emit`` their items in the
    units' order.  The local units are computed first, here; the remote ones are taken
    from ``child.result()`` (one list per remote unit, in order), or computed here when
    the child failed.  Each unit is emitted once every unit before it is done, so the
    output does not depend on where a unit ran."""
    done: dict[int, list] = {}
    remote = [i for i, (r, _) in enumerate(units) if r and child is not None]
    nxt = 0

    def flush() -> None:
        nonlocal nxt
        while nxt in done:
            for item in done.pop(nxt):
                emit(item)
            nxt += 1

    for i, (_, compute) in enumerate(units):
        if i not in remote:
            done[i] = list(compute())
            flush()
    if remote:
        try:
            rows = child.result()
        except ChildFailed:
            rows = [list(units[i][1]()) for i in remote]
        done.update(zip(remote, rows, strict=True))
        flush()


def _main() -> None:
    module, function, args = pickle.loads(sys.stdin.buffer.read())  # from our parent
    result = getattr(importlib.import_module(module), function)(*args)
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    _main()
