"""Progress bars for long steps: shown on a terminal, silent everywhere else.

A bar is drawn (with ``rich``, the ``progress`` extra) only when *all* hold:

* the caller did not ask for quiet (``--quiet``);
* standard error is a terminal (``sys.stderr.isatty()``), so redirected output
  and log files stay clean;
* no CI is detected (the ``CI`` environment variable, set by GitHub Actions,
  GitLab and most others, is unset or ``0``/``false``);
* ``rich`` can be imported.

Otherwise every call is a cheap no-op, so library code can report progress
unconditionally.  Progress goes to standard error, never to standard output.

>>> with task_progress("demo", total=3, quiet=True) as bar:
...     for name in ("a", "b", "c"):
...         bar.advance(description=name)
>>> bar.completed
3
>>> [n for n in track(range(3), "counting", quiet=True)]
[0, 1, 2]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from symgrad.base.optional import available

__all__ = ["ProgressBar", "progress_enabled", "task_progress", "track"]

T = TypeVar("T")


def _in_ci() -> bool:
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


def progress_enabled(*, quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Whether a progress bar would be drawn (see the module docstring).

    >>> progress_enabled(quiet=True)
    False
    """
    if quiet or _in_ci():
        return False
    stream = sys.stderr if stream is None else stream
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError):  # closed or unusual streams
        return False
    return available("rich.progress")


class ProgressBar:
    """Handle of one running task; :meth:`advance` moves it on.

    ``completed`` counts the steps done, whether or not a bar is drawn.
    """

    def __init__(self, rich_progress: Any = None, task: Any = None) -> None:
        self._progress = rich_progress
        self._task = task
        self.completed = 0

    @property
    def drawn(self) -> bool:
        """True when a rich bar is on screen."""
        return self._progress is not None

    def advance(self, steps: int = 1, *, description: str | None = None) -> None:
        """Mark ``steps`` more steps done; optionally change the label."""
        self.completed += steps
        if self._progress is not None:
            kwargs = {} if description is None else {"description": description}
            self._progress.update(self._task, advance=steps, **kwargs)

    def describe(self, description: str) -> None:
        """Change the label (e.g. to the name of the step now running)."""
        if self._progress is not None:
            self._progress.update(self._task, description=description)


@contextmanager
def task_progress(description: str, *, total: int | None, quiet: bool = False,
                  stream: TextIO | None = None) -> Iterator[ProgressBar]:
    """A progress bar for one task of ``total`` steps (``None``: unknown).

    The bar disappears when the block ends (``transient``), leaving the
    terminal as clean as before.
    """
    if not progress_enabled(quiet=quiet, stream=stream):
        yield ProgressBar()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=sys.stderr if stream is None else stream)
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"),
               BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as prog:
        task = prog.add_task(description, total=total)
        yield ProgressBar(prog, task)


def track(items: Iterable[T], description: str, *, total: int | None = None,
          quiet: bool = False, stream: TextIO | None = None) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar (see :func:`task_progress`)."""
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with task_progress(description, total=total, quiet=quiet, stream=stream) as bar:
        for item in items:
            yield item
            bar.advance()
