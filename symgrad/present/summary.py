"""Short, safe text for ``repr()``: every value summarised, never the whole payload.

A result's ``repr()`` must be one short line whatever it holds: an integer of 10 000
digits (Python refuses to print one above 4300 digits), a gradient of 100 000 partial
derivatives, a SymPy product of 100 000 factors.  The helpers here shorten each kind of
value and :func:`summary` assembles the line, naming the call that gives the full data.

>>> short_int(10**9999)
'≈1.0000e+9999 (10000 digits)'
>>> short_decimal("1.23456789012345678901234567890123456789e-5", limit=20)
'1.23456789…e-5 (39 digits)'
>>> short_seq(["a", "b", "c", "d", "e", "f"], limit=4)
'[a, b, …, f] (6 values)'
>>> summary("Answer", ["depth 3", "F 0.5"], "x.to_json()")
'<Answer: depth 3, F 0.5; full data: x.to_json()>'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

__all__ = ["EXPR_NODES", "HUGE_BITS", "clip", "expr_text", "huge_integers", "nodes",
           "short_decimal", "short_fraction", "short_int", "short_seq", "short_value", "summary"]

#: integers with more digits than this are shown as ``≈d.dddde+N (N+1 digits)``
INT_DIGITS = 30
#: a SymPy expression with more nodes than this is described, not printed
EXPR_NODES = 400


def clip(text: str, limit: int = 120) -> str:
    """``text``, cut to ``limit`` characters with ``…`` and its full length.

    >>> clip("abcdefghij" * 5, 30)
    'abcdefghijabc… (50 characters)'
    """
    if len(text) <= limit:
        return text
    tail = f"… ({len(text)} characters)"
    return text[:max(1, limit - len(tail))] + tail


def short_int(n: int) -> str:
    """``n`` in full up to 30 digits, else its leading digits, exponent and length (no
    conversion of the whole integer to text, which Python refuses above 4300 digits)."""
    n = int(n)
    if n.bit_length() <= 96:  # at most 29 digits
        return str(n)
    sign, a = ("-" if n < 0 else ""), abs(n)
    shift = a.bit_length() - 64
    log10 = math.log10(a >> shift) + shift * math.log10(2)
    exp = math.floor(log10)
    mant = 10 ** (log10 - exp)
    if mant >= 9.99995:  # rounding up to the next power of ten
        mant, exp = 1.0, exp + 1
    return f"≈{sign}{mant:.4f}e+{exp} ({exp + 1} digits)"


def short_fraction(q: Fraction | int) -> str:
    """A rational as ``p/q`` with each part shortened by :func:`short_int`.

    >>> short_fraction(Fraction(1, 3))
    '1/3'
    """
    q = Fraction(q)
    if q.denominator == 1:
        return short_int(q.numerator)
    return f"{short_int(q.numerator)}/{short_int(q.denominator)}"


def short_decimal(text: str, limit: int = 32) -> str:
    """A decimal string ``d.ddd…e±N``, its significand cut so the text fits ``limit``."""
    text = str(text)
    if len(text) <= limit:
        return text
    mant, e, exp = text.partition("e")
    digits = sum(c.isdigit() for c in mant)
    keep = max(3, limit - len(exp) - 8)
    return f"{mant[:keep]}…{e}{exp} ({digits} digits)"


def short_seq(items: Sequence, fmt: Callable[[object], str] = str, limit: int = 6) -> str:
    """The first and last items of a sequence, with its length when cut."""
    n = len(items)
    if n <= limit:
        return "[" + ", ".join(fmt(v) for v in items) + "]"
    head = [fmt(items[i]) for i in range(limit // 2)]
    return f"[{', '.join(head)}, …, {fmt(items[n - 1])}] ({n} values)"


def nodes(expr, cap: int) -> int:
    """The number of nodes of a SymPy tree, counting stops at ``cap + 1``."""
    import sympy

    count = 0
    for _ in sympy.preorder_traversal(expr):
        count += 1
        if count > cap:
            break
    return count


#: integers longer than this many bits are never printed in full (Python refuses to turn an
#: integer of more than 4300 digits into text; 13 000 bits are about 3900 digits)
HUGE_BITS = 13_000


def huge_integers(expr) -> bool:
    """Whether a SymPy expression holds an integer or rational part too long to print."""
    import sympy

    return any(max(abs(int(a.p)), int(a.q)).bit_length() > HUGE_BITS
               for a in expr.atoms(sympy.Rational))


def expr_text(expr, limit: int = 120) -> str:
    """A SymPy expression as short text: printed (huge integers shortened, then clipped)
    when it has at most :data:`EXPR_NODES` nodes, else described by its head and size."""
    import sympy
    from sympy.printing.str import StrPrinter

    if not isinstance(expr, sympy.Basic):
        return clip(str(expr), limit)
    if nodes(expr, EXPR_NODES) > EXPR_NODES:
        return f"<{type(expr).__name__} of {len(expr.args)} terms, too large to show>"

    class _Short(StrPrinter):
        def _print_Integer(self, e):
            return short_int(int(e))

        def _print_Rational(self, e):
            return short_fraction(Fraction(int(e.p), int(e.q)))

    return clip(_Short().doprint(expr), limit)


def short_value(value: object, limit: int = 60) -> str:
    """Any value as short text: integers, fractions, SymPy objects, sequences, strings."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return short_int(value)
    if isinstance(value, Fraction):
        return short_fraction(value)
    if isinstance(value, (list, tuple)):
        return short_seq(value, lambda v: short_value(v, 24))
    if type(value).__module__.startswith("sympy"):
        return expr_text(value, limit)
    return clip(str(value), limit)


def summary(name: str, parts: Sequence[str], full: str) -> str:
    """``<name: part, part; full data: full>`` (``full`` names the call with everything)."""
    return f"<{name}: {', '.join(parts)}; full data: {full}>"
