"""Exact rationals as text, and the decimal exponent of a rational or of a decimal string.

The number texts of :mod:`symgrad.numeric.weights` (error messages that quote a weight, and
the weights a document prints): exact at any magnitude, without converting an integer of
more than about 1000 digits to text (Python refuses beyond 4300 digits).

>>> number_text(Fraction(-25, 10**5000)), decimal_exponent(Fraction(999, 1000))
('-2.5e-4999', -1)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

from symgrad.base.errors import SymgradError

__all__ = ["decimal_exponent", "number_text", "pow10", "text_exponent", "to_float"]


@lru_cache(maxsize=32)
def pow10(k: int) -> int:
    """10**k for k >= 0 (FLINT's power for large k: 25 ms for k = 10**6, where Python's
    ``10**k`` takes 0.7 s).

    >>> pow10(3)
    1000
    """
    if k < 300:
        return 10**k
    from flint import fmpz

    return int(fmpz(10) ** k)


def decimal_exponent(v: Fraction) -> int:
    """e with 10**e <= |v| < 10**(e+1) for v != 0 (exact, from integers; 0 for v = 0).

    >>> decimal_exponent(Fraction(999, 1000)), decimal_exponent(Fraction(1000))
    (-1, 3)
    """
    a = abs(Fraction(v))
    if a == 0:
        return 0
    num, den = a.numerator, a.denominator
    e = int((num.bit_length() - den.bit_length()) * 0.30102999566398120)  # within 1 of it
    # one big power of ten, then steps of 10: compare num with den * 10**e
    if e >= 0:
        top, bottom = num, den * pow10(e)
    else:
        top, bottom = num * pow10(-e), den
    while top < bottom:
        e, top = e - 1, top * 10
    while top >= bottom * 10:
        e, bottom = e + 1, bottom * 10
    return e


#: exact values whose numerator and denominator both fit in this many bits (about 1000
#: digits) are printed as Python prints a Fraction, ``p/q``
_PLAIN_BITS = 3300


def number_text(v: Fraction, *, max_digits: int = 1000, max_chars: int | None = None) -> str:
    """The exact value of a rational as text, at any magnitude.

    ``p/q`` (or ``p``) as ``str`` gives it while that is at most 60 characters; else the
    exact scientific form ``d.ddde+N`` when ``v = m * 10**k`` with ``m`` of at most
    ``max_digits`` digits (every decimal symgrad reads is); else ``p/q`` while both
    have at most about 1000 digits; otherwise ``~`` and 17 significant digits,
    rounded to nearest.  Never converts an integer of more
    than ``max_digits`` + 1 digits to text (Python refuses beyond 4300 digits).

    >>> number_text(Fraction(1, 10)), number_text(Fraction(10) ** 9999)
    ('1/10', '1e+9999')
    >>> number_text(Fraction(10) ** 301), number_text(Fraction(10) ** 301 + 1)[-9:]
    ('1e+301', '0001e+301')
    >>> number_text(-Fraction(25, 10**5000))
    '-2.5e-4999'
    """
    if max_chars is not None:  # for messages: the exact text if short, else rounded
        text = number_text(v, max_digits=max_chars)
        return text if len(text) <= max_chars else _rounded(Fraction(v))
    v = Fraction(v)
    num, den = v.numerator, v.denominator
    small = max(num.bit_length(), den.bit_length()) <= _PLAIN_BITS
    if small and (max(num.bit_length(), den.bit_length()) <= 128 or len(plain := str(v)) <= 60):
        return str(v)
    if v == 0:
        return "0"
    sign, a = ("-" if num < 0 else ""), abs(num)
    e = decimal_exponent(v)
    k = e - max_digits  # m = |v| / 10**k has max_digits + 1 digits before the point
    top, bottom = (a, den * pow10(k)) if k >= 0 else (a * pow10(-k), den)
    m, rest = divmod(top, bottom)
    if rest == 0:
        return sign + _sci(str(m), k)
    if small:
        return plain
    return _rounded(v)


def _rounded(v: Fraction) -> str:
    """``~`` and ``v`` to 17 significant digits, rounded half to even (``v != 0``)."""
    sign, a, den = ("-" if v < 0 else ""), abs(v.numerator), v.denominator
    k = decimal_exponent(v) - 16
    top, bottom = (a, den * pow10(k)) if k >= 0 else (a * pow10(-k), den)
    m, rest = divmod(top, bottom)
    if 2 * rest > bottom or (2 * rest == bottom and m % 2 == 1):
        m += 1
    return "~" + sign + _sci(str(m), k)


def _sci(digits: str, exp10: int) -> str:
    """int(digits) * 10**exp10 as ``d.ddde±N`` with trailing zeros dropped."""
    e = exp10 + len(digits) - 1
    digits = digits.rstrip("0") or "0"
    return digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + f"e{e:+d}"


_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?", re.ASCII)


def text_exponent(text: str) -> int:
    """``Decimal(text).adjusted()`` for a decimal string with an exponent of any size
    (``Decimal`` stops at exponents of 18 digits, e.g. exp(-1e20) = 1.2e-43429448190325182766).

    >>> text_exponent("1.543e-648"), text_exponent("0.00123e5"), text_exponent("-12.5")
    (-648, 2, 1)
    >>> text_exponent("2.5e-43429448190325182766")
    -43429448190325182766
    """
    m = _DECIMAL_TEXT.fullmatch(str(text).strip())
    if not m or not (m.group(1) or m.group(2)):
        raise SymgradError(f"'{str(text)[:40]}' is not a decimal number")
    whole, frac, exp = m.group(1) or "", m.group(2) or "", m.group(3)
    digits = whole + frac
    lead = len(digits) - len(digits.lstrip("0"))
    if lead == len(digits):
        return 0
    return (int(exp) if exp else 0) + len(whole) - 1 - lead


def to_float(v: Fraction) -> float:
    """``v`` rounded to nearest float64, with overflow to a signed infinity (not an error).

    >>> to_float(Fraction(10) ** 400), to_float(-Fraction(10) ** 400), to_float(Fraction(1, 4))
    (inf, -inf, 0.25)
    """
    try:
        return float(v)
    except OverflowError:
        return -math.inf if v < 0 else math.inf
