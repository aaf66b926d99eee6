"""Numbers in a user's expression: exact literals and powers within the parser's caps.

Part of :mod:`symgrad.core.parsing` (whose docstring documents the caps): a literal becomes
an exact SymPy ``Integer``/``Rational`` from its decimal text, never through a float, and a
power is refused *before* it is built when its exact value would be too large.

>>> import ast
>>> literal(ast.parse("2.5e-3", mode="eval").body, "2.5e-3")
1/400
>>> power(sympy.Integer(9), sympy.Integer(9) ** 9)
Traceback (most recent call last):
...
symgrad.base.errors.SymgradError: refused: power whose exact value would exceed 14000 bits \
(e.g. 9**9**9)
"""

from __future__ import annotations

import ast
import re

import sympy

from symgrad.core.parse_text import refuse, short

__all__ = [
    "MAX_EXPONENT",
    "MAX_LITERAL_DIGITS",
    "MAX_LITERAL_EXP10",
    "MAX_NUMBER_BITS",
    "MAX_ROOT_BITS",
    "check_size",
    "literal",
    "power",
]

MAX_LITERAL_DIGITS = 1_000
MAX_LITERAL_EXP10 = 10_000
MAX_NUMBER_BITS = 14_000  # about 4,200 digits (Python's int-to-text limit is 4,300)
MAX_ROOT_BITS = 1_000  # fractional powers only of exact numbers up to ~300 digits
MAX_EXPONENT = 1_000
_DECIMAL = re.compile(r"^([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$")


def literal(node: ast.Constant, source: str) -> sympy.Rational:
    """The exact value of a number literal, read from its source text ``source``."""
    value = node.value
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise refuse(f"constant {value!r}")
    if isinstance(value, (str, bytes)):
        raise refuse("string literal")
    if isinstance(value, complex):
        raise refuse("complex literal", hint="symgrad works over the reals")
    seg = ast.get_source_segment(source, node) or ""
    seg = seg.replace("_", "").strip()
    if isinstance(value, int):
        if len(seg) > MAX_LITERAL_DIGITS:
            raise refuse(f"integer literal of {len(seg)} digits (cap {MAX_LITERAL_DIGITS})")
        return sympy.Integer(value)
    m = _DECIMAL.match(seg)
    if not m or not (m.group(1) or m.group(2)):
        raise refuse(f"number literal '{short(seg, 20)}'")
    whole, frac, exp10 = m.group(1) or "", m.group(2) or "", m.group(3)
    if len(whole) + len(frac) > MAX_LITERAL_DIGITS:
        raise refuse(f"number literal of {len(whole) + len(frac)} digits")
    if exp10 is not None and (len(exp10) > 8 or abs(int(exp10)) > MAX_LITERAL_EXP10):
        raise refuse(f"decimal exponent {short(exp10, 12)} (cap {MAX_LITERAL_EXP10})")
    e = (int(exp10) if exp10 else 0) - len(frac)
    mant = int(whole + frac or "0")
    return sympy.Integer(mant * 10**e) if e >= 0 else sympy.Rational(mant, 10 ** (-e))


def _bits(x: sympy.Expr) -> int:
    if isinstance(x, sympy.Rational):
        return max(int(x.p).bit_length(), int(x.q).bit_length())
    return 0


def check_size(x: sympy.Expr) -> sympy.Expr:
    """``x``, or a refusal when it is an exact number above :data:`MAX_NUMBER_BITS` bits."""
    if _bits(x) > MAX_NUMBER_BITS:
        raise refuse(f"exact number larger than {MAX_NUMBER_BITS} bits")
    return x


def power(base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
    """``base**exp``, refused before it is built when it would break a cap."""
    if isinstance(exp, sympy.Rational):
        mag = abs(exp)
        if isinstance(base, sympy.Rational) and base not in (0, 1, -1):
            if mag * _bits(base) > MAX_NUMBER_BITS:
                raise refuse(
                    "power whose exact value would exceed "
                    f"{MAX_NUMBER_BITS} bits (e.g. 9**9**9)"
                )
        elif not isinstance(base, sympy.Rational) and mag > MAX_EXPONENT:
            raise refuse(f"exponent {short(str(exp), 20)} (|exponent| cap {MAX_EXPONENT})")
        if exp.q > MAX_EXPONENT:
            raise refuse(f"fractional exponent with denominator {exp.q}")
        if exp.q != 1 and _bits(base) > MAX_ROOT_BITS:
            raise refuse(f"fractional power of an exact number above {MAX_ROOT_BITS} bits")
    return check_size(sympy.Pow(base, exp))
