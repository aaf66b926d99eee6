"""Raise the working precision until a result is accepted: one policy, in the style of
python-flint's ``good()``.

:func:`raise_precision` evaluates at ``start`` bits, then at 4 times as many, and so on
up to ``cap`` (the last rung is ``cap`` itself), and returns the first result that
``accept`` takes, with its precision.  When no rung is accepted it raises
:class:`PrecisionNotReached`, which says which limit was hit and what to try, and
carries the last result (a caller that reports "still undecided at N bits" reads it).
Every evaluation runs inside ``flint.ctx.workprec``, so flint's global precision is the
same before and after.

>>> from flint import arb
>>> value, bits = raise_precision(lambda p: arb(2).sqrt() - arb("1.41421356237309504880"),
...                               lambda b: b > 0 or b < 0)
>>> bits
256
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from flint import ctx

from symgrad.base.errors import SymgradError

__all__ = ["FACTOR", "PrecisionNotReached", "ladder", "raise_precision"]

T = TypeVar("T")

#: each rung has this many times the bits of the one before
FACTOR = 4


class PrecisionNotReached(SymgradError, Generic[T]):
    """No precision up to the cap gave an accepted result; ``last`` and ``prec`` hold the
    result at the cap."""

    def __init__(self, what: str, last: T, prec: int) -> None:
        super().__init__(f"no convergence for {what} (maxprec={prec} bits)",
                         hint=f"try a higher cap than {prec} bits")
        self.last, self.prec = last, prec
        self.hint = f"try a higher cap than {prec} bits"


def ladder(start: int, cap: int, factor: int = FACTOR) -> Iterator[int]:
    """The precisions tried: ``start``, ``start * factor``, ... and ``cap`` last.

    >>> list(ladder(64, 16384)), list(ladder(64, 1000))
    ([64, 256, 1024, 4096, 16384], [64, 256, 1000])
    """
    if start < 2 or cap < start or factor < 2:
        raise ValueError(f"bad precision ladder start={start}, cap={cap}, factor={factor}")
    prec = start
    while prec < cap:
        yield prec
        prec *= factor
    yield cap


def raise_precision(evaluate: Callable[[int], T], accept: Callable[[T], bool],
                    start: int = 64, cap: int = 16384, *, what: str = "the result"
                    ) -> tuple[T, int]:
    """``(evaluate(prec), prec)`` at the first rung of :func:`ladder` whose result
    ``accept`` takes; :class:`PrecisionNotReached` if none is.

    >>> from flint import arb
    >>> try:
    ...     raise_precision(lambda p: arb(0), lambda b: b > 0, cap=256, what="the sign of 0")
    ... except PrecisionNotReached as exc:
    ...     print(exc, "|", exc.last)
    no convergence for the sign of 0 (maxprec=256 bits) (try a higher cap than 256 bits) | 0
    """
    result, prec = None, start
    for prec in ladder(start, cap):
        with ctx.workprec(prec):
            result = evaluate(prec)
        if accept(result):
            return result, prec
    raise PrecisionNotReached(what, result, prec)
