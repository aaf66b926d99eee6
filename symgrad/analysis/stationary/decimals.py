"""Decimal text of the stationary engine: every printed digit is correct.

>>> from flint import arb
>>> fmt(arb(1) / 3, 5), fmt(arb(0), 5)
('3.3333e-1', '0')
>>> decimal_value("0 ± 1e-30"), decimal_value("-2.5")
(0.0, -2.5)
"""

from __future__ import annotations

from flint import ctx

from symgrad.analysis.stationary.evaluate import arb_eval
from symgrad.core.parsing import as_expr
from symgrad.numeric.decimal_text import ball_text, decimal_enclosure, printed_radius

__all__ = ["constant_text", "decimal_value", "enclosure_text", "fmt", "working_bits"]


def fmt(ball, digits: int) -> str:
    """Decimal string of a ball: its value correctly rounded to ``digits`` significant
    digits (fewer when the ball decides fewer: every printed digit is correct).

    A ball that contains 0 (a value zero up to rounding) is shown as ``0 ± r`` with its
    radius rounded up.
    """
    if ball.is_zero():
        return "0"
    if ball.contains(0):
        return "0 ± " + printed_radius(ball, "0")
    return ball_text(ball, digits)


def enclosure_text(ball, digits: int) -> str:
    """An enclosure as ``mid ± rad`` (``digits`` significant digits in mid, rad rounded
    up, so [mid - rad, mid + rad] contains the ball); just ``mid`` when it is exact.

    >>> from flint import arb
    >>> enclosure_text(arb(1) / 3, 5), enclosure_text(arb(2), 5)
    ('3.3333e-1 ± 3.4e-6', '2.0000e+0')
    """
    mid, rad = decimal_enclosure(ball, digits)
    return mid if rad == "0" else f"{mid} ± {rad}"


def decimal_value(text: str) -> float:
    """A float for sorting a decimal string from :func:`fmt` ('0 ± r' counts as 0)."""
    return 0.0 if text.startswith("0 ±") else float(text)


def working_bits(digits: int) -> int:
    """Working precision (bits) for ``digits`` decimal digits, with guard bits.

    >>> working_bits(20)
    106
    """
    return int(digits * 3.33) + 40


def constant_text(e, digits: int) -> str:
    """:func:`fmt` of a constant SymPy expression (or Python number), enclosed by arb.

    >>> from fractions import Fraction
    >>> constant_text(Fraction(2, 3), 4)
    '6.667e-1'
    """
    with ctx.workprec(int(digits * 3.4) + 40):
        return fmt(arb_eval(as_expr(e), {}), digits)
