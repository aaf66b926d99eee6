"""Shared helpers of the precision lab: exact comparisons of format scalars with balls.

>>> import numpy as np
>>> scalar_text(np.float16(0.1), "float16"), scalar_text(np.float32(2.5e-40), "float32")
('1e-1', '2.5e-40')
"""

from __future__ import annotations

import html
import math
from fractions import Fraction

import numpy as np
from flint import arb, ctx, fmpq

from symgrad.numeric.decimal_text import ball_text
from symgrad.numeric.numpy_backend import FormatInfo, format_info

__all__ = [
    "exact_arb",
    "fraction_text",
    "html_table",
    "log10_ball",
    "neighbours",
    "rel_error",
    "scalar_text",
    "text_table",
    "ulp_error",
]


def scalar_text(value, name: str) -> str:
    """The shortest decimal string that reads back as ``value`` in its format."""
    x = float(value)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    # bfloat16 values are float32 values: float32's shortest form reads back exactly
    dtype = np.float32 if name == "bfloat16" else format_info(name).dtype
    mant, _, exp = np.format_float_scientific(dtype(x), unique=True, trim="-").partition("e")
    return f"{mant}e{int(exp):+d}"  # same exponent style as every other decimal string


def fraction_text(value: Fraction, digits: int = 17) -> str:
    """An exact rational as ``d.ddde±N``: exact when it has at most ``digits`` significant
    digits (trailing zeros dropped), else rounded to nearest at ``digits`` digits.
    Never converts a huge integer to text (works for 10**9999).

    >>> fraction_text(Fraction(10) ** 9999), fraction_text(Fraction(1, 10))
    ('1e+9999', '1e-1')
    >>> fraction_text(Fraction(-2, 3), 4)
    '-6.667e-1'
    """
    from symgrad.numeric.weights import decimal_exponent, pow10

    v = Fraction(value)
    if v == 0:
        return "0"
    sign = "-" if v < 0 else ""
    num, den = abs(v.numerator), v.denominator
    e = decimal_exponent(v)
    # q = |v| / 10**(e - digits + 1) rounded half to even, in integer arithmetic: Fraction
    # division would take a gcd of two numbers of ~e digits (minutes for 10**999999)
    shift = digits - 1 - e
    top, bottom = (num * pow10(shift), den) if shift >= 0 else (num, den * pow10(-shift))
    q, rest = divmod(top, bottom)
    if 2 * rest > bottom or (2 * rest == bottom and q % 2 == 1):
        q += 1
    if q == 10**digits:  # rounding carried into a new digit
        q, e = q // 10, e + 1
    text = str(q).rstrip("0") or "0"
    mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{sign}{mant}e{e:+d}"


def exact_arb(value) -> arb:
    """A finite format scalar (or Fraction) as an exact Arb number."""
    v = Fraction(float(value)) if not isinstance(value, Fraction) else value
    return arb(fmpq(v.numerator, v.denominator))


def _three(ball: arb) -> str:
    return ball_text(ball, 3)


def _nonfinite(x: float) -> str:
    """The error of a nan or infinite computed value: "nan" or "inf"."""
    return "nan" if math.isnan(x) else "inf"


def rel_error(computed, true: arb, prec: int) -> str:
    """|computed - true| / |true| to 3 digits ("inf", "nan" when they apply)."""
    x = float(computed)
    if not math.isfinite(x):
        return _nonfinite(x)
    if true.is_zero():
        return "0" if x == 0 else "inf"
    with ctx.workprec(prec + 64):
        return _three(abs(exact_arb(x) - true) / abs(true))


def ulp_error(computed, true: arb, info: FormatInfo, prec: int) -> str:
    """|computed - true| in units of the format's ulp at the true value (3 digits)."""
    x = float(computed)
    if not math.isfinite(x):
        return _nonfinite(x)
    if true.is_zero():
        exponent = info.minexp
    else:
        man, exp = true.mid().man_exp()
        exponent = min(int(exp) + int(man).bit_length() - 1, info.maxexp - 1)
    with ctx.workprec(prec + 64):
        return _three(abs(exact_arb(x) - true) / exact_arb(info.ulp(exponent)))


def log10_ball(value: arb, prec: int) -> arb:
    """log10|value| as a ball (the value must not contain 0)."""
    with ctx.workprec(prec + 64):
        return abs(value).log() / arb(10).log()


def neighbours(value, info: FormatInfo) -> tuple[Fraction, Fraction]:
    """The format's numbers just below and just above the finite ``value`` (exact)."""
    v = Fraction(float(value))
    if v == 0:
        s = Fraction(float(info.smallest_subnormal))
        return -s, s
    a = abs(v)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if a < Fraction(2) ** e:
        e -= 1
    up = info.ulp(e)
    down = info.ulp(e - 1) if (a == Fraction(2) ** e and e > info.minexp) else up
    if v > 0:
        return v - down, v + up
    return v - up, v + down


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    return "\n".join(lines)


def html_table(caption: str, header: list[str], rows: list[list[str]]) -> str:
    """A small HTML table (escaped), for notebooks and reports."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
