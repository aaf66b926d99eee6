"""Weight specifications: ``--weights SPEC``.

A SPEC is one of

* one number: every weight equal (``1``, ``-0.5``, ``3/4``, ``1e-3``);
* a comma list of exactly L numbers (``0.5,1,2``);
* a seeded random draw: ``normal:MEAN,STD[,seed=N]`` or
  ``uniform:LO,HI[,seed=N]`` (numpy's PCG64 ``default_rng``; seed 0 when
  omitted).  The drawn float64 values are used exactly.

Numbers are parsed from their decimal text into exact fractions (never through
a binary float), so ``0.1`` means exactly 1/10.  NaN and infinities are refused.
Only ASCII digits are numbers: ``'\u00b2'`` (superscript two) or ``'\u0663'``
(Arabic-Indic three) are refused, never read as 2 or 3.  A decimal exponent may
have up to 6 digits; the value is built as ``m * 10**e`` in exact integer
arithmetic, so no digit string ever passes through ``int(str)`` (whose
4300-digit limit ``1e3000`` would hit).

>>> parse_weights("1", 3)
(Fraction(1, 1), Fraction(1, 1), Fraction(1, 1))
>>> parse_weights("0.5,1/3", 2)
(Fraction(1, 2), Fraction(1, 3))
>>> parse_number("1e3000") == 10**3000
True
>>> decimal_exponent(parse_number("-2.5e-400"))
-400
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

from symgrad.base.errors import InputError
from symgrad.numeric.kernels import get_kernel
from symgrad.numeric.number_text import (
    decimal_exponent,
    number_text,
    pow10,
    text_exponent,
    to_float,
)

__all__ = [
    "MAX_CHAIN_EXPONENT",
    "MAX_EXPONENT",
    "MAX_EXPONENT_DIGITS",
    "MAX_FLOAT_PARAM",
    "MAX_NUMBER_CHARS",
    "MAX_PREACTIVATION_BITS",
    "chain_number",
    "decimal_exponent",
    "non_ascii",
    "number_text",
    "parse_number",
    "parse_weights",
    "parse_whole",
    "pow10",
    "preactivation_bits",
    "text_exponent",
    "to_float",
]

MAX_NUMBER_CHARS = 200
#: a decimal exponent has at most this many digits (|e| <= 999999)
MAX_EXPONENT_DIGITS = 6
#: every number symgrad reads has 1e-9999 <= |value| < 1e10000 (or is 0): the text's own
#: p = 1e9999 fits; beyond it the digits of exact values, of the exponents of results such
#: as exp(-|w|), and the precision that certifies them grow without bound
MAX_EXPONENT = 9999
#: the chain's weights, biases and input have |value| <= 1e300 (see :func:`chain_number`)
MAX_CHAIN_EXPONENT = 300
_CHAIN_LIMIT = Fraction(10) ** MAX_CHAIN_EXPONENT
_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,6}))?", re.ASCII)
_RATIO = re.compile(r"([+-]?[0-9]{1,100})/([0-9]{1,100})", re.ASCII)
_WHOLE = re.compile(r"\+?[0-9]+", re.ASCII)
#: largest |parameter| of a seeded draw: a float64 (the draws are float64 values)
MAX_FLOAT_PARAM = "1.7976931348623157e308"


def non_ascii(text: str) -> str | None:
    """A description of the first non-ASCII character of ``text``, or None.

    >>> non_ascii("12"), non_ascii("1\u00b2")
    (None, "'\u00b2' (U+00B2 SUPERSCRIPT TWO)")
    """
    for ch in text:
        if not ch.isascii():
            name = unicodedata.name(ch, "unnamed character")
            return f"'{ch}' (U+{ord(ch):04X} {name})"
    return None


def _refuse_non_ascii(s: str, what: str) -> None:
    bad = non_ascii(s)
    if bad is not None:
        raise InputError(
            f"{what} '{s}' contains {bad}, which is not an ASCII digit or sign",
            hint="write numbers with the ASCII digits 0-9",
        )


def parse_whole(text: object, *, what: str, lo: int, hi: int, example: str) -> int:
    """A whole number in ``lo..hi`` written with ASCII digits, or a one-line error.

    >>> parse_whole("12", what="--digits", lo=1, hi=100, example="--digits 20")
    12
    """
    s = str(text).strip()
    _refuse_non_ascii(s, what)
    if not _WHOLE.fullmatch(s):
        raise InputError(f"{what} must be a whole number, got '{s}'", hint=f"e.g. {example}")
    digits = s.lstrip("+").lstrip("0") or "0"
    if len(digits) > len(str(hi)) or int(digits) > hi or int(digits) < lo:
        shown = digits if len(digits) <= 30 else digits[:12] + "..."
        raise InputError(f"{what} {shown} is outside {lo}..{hi}", hint=f"e.g. {example}")
    return int(digits)


def parse_number(text: str, *, what: str = "weight", max_exponent: int = MAX_EXPONENT,
                 limit_hint: str | None = None) -> Fraction:
    """Parse a decimal or ``p/q`` number exactly; refuse NaN, inf, junk and non-ASCII digits.

    ``max_exponent``: refuse a value with ``|value| >= 10**(max_exponent + 1)`` or
    ``0 < |value| < 10**-max_exponent`` (default :data:`MAX_EXPONENT`; a command may
    set a lower limit, ``limit_hint`` says why).

    >>> parse_number("2.5e-1")
    Fraction(1, 4)
    """
    s = str(text).strip()
    if len(s) > MAX_NUMBER_CHARS:
        raise InputError(f"{what} '{s[:20]}...' is too long", hint="use at most 200 characters")
    _refuse_non_ascii(s, what)
    low = s.lower().lstrip("+-")
    if low in {"nan", "inf", "infinity"}:
        raise InputError(f"{what} must be finite, got '{s}'", hint="use a finite number")
    ratio = _RATIO.fullmatch(s)
    number = None if ratio else _NUMBER.fullmatch(s)
    if ratio:
        num, den = int(ratio.group(1)), int(ratio.group(2))
        if den == 0:
            raise InputError(f"{what} '{s}' divides by zero", hint="use a nonzero denominator")
        value = Fraction(num, den)
    elif number and (number.group(2) or number.group(3)):
        sign, whole, frac, exp = number.groups()
        frac = frac or ""
        mant = int((whole or "") + frac or "0")  # at most 200 ASCII digits
        e = (int(exp) if exp else 0) - len(frac)
        value = Fraction(mant * pow10(e)) if e >= 0 else Fraction(mant, pow10(-e))
        if sign == "-":
            value = -value
    else:
        raise InputError(
            f"{what} '{s}' is not a number", hint="write e.g. 0.5, -2, 1e-3 or 1/3"
        )
    if value != 0:
        e = decimal_exponent(value)
        if not -max_exponent <= e <= max_exponent:
            raise InputError(
                f"{what} '{s}' is beyond the limit 1e-{max_exponent} <= |{what}| < "
                f"1e{max_exponent + 1}",
                hint=limit_hint or f"use a magnitude within 1e-{max_exponent}..1e{max_exponent}",
            )
    return value


def _random(kind: str, body: str, depth: int) -> tuple[Fraction, ...]:
    import numpy as np  # numeric backend import kept out of module import time

    parts = [p.strip() for p in body.split(",") if p.strip()]
    seed = 0
    params, texts = [], []
    for p in parts:
        if p.startswith("seed="):
            seed = parse_whole(p[5:], what="seed", lo=0, hi=2**64 - 1, example="seed=7")
        else:
            params.append(parse_number(p, what=f"{kind} parameter"))
            texts.append(p)
    if len(params) != 2:
        example = "normal:0,1,seed=7" if kind == "normal" else "uniform:-1,1,seed=7"
        raise InputError(f"{kind} draw needs two parameters", hint=f"e.g. {example}")
    # the draws are float64 values: parameters (and the width of a uniform range) must be too
    a, b = (to_float(v) for v in params)
    for text, f in zip(texts, (a, b)):
        if not math.isfinite(f):
            raise InputError(
                f"{kind} parameter {text} is beyond float64 (|value| <= {MAX_FLOAT_PARAM})",
                hint="seeded draws are float64 values; give a list of exact numbers instead",
            )
    rng = np.random.default_rng(seed)
    if kind == "normal":
        if b < 0:
            raise InputError("normal standard deviation must be >= 0", hint="normal:0,1")
        draw = rng.normal(a, b, size=depth)
    else:
        if not a < b:
            raise InputError("uniform needs LO < HI", hint="uniform:-1,1")
        if not math.isfinite(b - a):
            raise InputError(
                f"uniform range HI - LO is beyond float64 (<= {MAX_FLOAT_PARAM})",
                hint="seeded draws are float64 values; narrow the range",
            )
        draw = rng.uniform(a, b, size=depth)
    if not np.all(np.isfinite(draw)):
        raise InputError(
            f"{kind} draw overflowed float64 (a drawn value is beyond {MAX_FLOAT_PARAM})",
            hint="use a smaller mean or standard deviation",
        )
    return tuple(Fraction(float(v)) for v in draw)


def chain_number(value: Fraction, *, what: str = "weight") -> Fraction:
    """``value`` if ``|value| <= 1e300`` (:data:`MAX_CHAIN_EXPONENT`), else a one-line error.

    The chain's results grow with its numbers: sigma'(w) ~ exp(-|w|) has a decimal
    exponent of about 0.43 |w|, and z = w*o needs log2|w| extra bits.  Up to 1e300
    (float64's range, where every framework's weights live) exponents have at most
    about 300 digits per layer and every command stays fast; beyond, printing and
    certifying them would take seconds to hours per value.

    >>> chain_number(Fraction(10) ** 300) == 10**300
    True
    """
    if abs(value) > _CHAIN_LIMIT:
        raise InputError(
            f"{what} {number_text(value, max_chars=30)} is beyond the limit "
            f"|{what}| <= 1e{MAX_CHAIN_EXPONENT} "
            "for the chain's weights, biases and input",
            hint=f"use magnitudes up to 1e{MAX_CHAIN_EXPONENT}; exp(-|w|) beyond it has an "
                 f"exponent of more than {MAX_CHAIN_EXPONENT} digits",
        )
    return value


#: largest log2|z| of a pre-activation the Hessian certifies (see :func:`preactivation_bits`)
MAX_PREACTIVATION_BITS = 4096


def _log2_max1(v: Fraction) -> float:
    """log2 max(1, |v|) (float64, fine for numbers of any size)."""
    a = abs(Fraction(v))
    return 0.0 if a <= 1 else math.log2(a.numerator) - math.log2(a.denominator)


def _log2_sum(a: float, b: float) -> float:
    """log2(2**a + 2**b) without overflow."""
    hi, lo = max(a, b), min(a, b)
    return hi + math.log2(1 + 2 ** (lo - hi))


def preactivation_bits(weights, *, biases=None, x=None, form: str = "seed",
                       activation: str = "sigmoid") -> int:
    """An upper bound on log2 max(1, |z_i|) over the layers, z_i = w_i o_(i-1) + b_i.

    sigma''(z) ~ e^-|z| is only certified when z is known to an *absolute* accuracy, i.e.
    with this many bits on top of the digits asked for.  sigmoid and tanh outputs lie in
    [-1, 1]; the seed form's o_1 = w_1 and the general form's input x do not, and an
    unbounded activation's output grows with |z| (softplus(z) <= |z| + 1, |gelu(z)| <= |z|).

    >>> preactivation_bits([Fraction(10) ** 300] * 3)  # z_2 = w_2 * w_1 = 1e600 ~ 2**1993.2
    1995
    >>> preactivation_bits([Fraction(4)] * 30, activation="softplus")  # z_30 ~ 4**30 = 2**60
    62
    """
    ws = list(weights)
    if form == "seed":
        o, first = _log2_max1(ws[0]), 1
    else:
        o, first = _log2_max1(Fraction(1) if x is None else x), 0
    worst = o
    for i in range(first, len(ws)):
        z = _log2_max1(ws[i]) + o
        if biases is not None:
            z = _log2_sum(z, _log2_max1(biases[i]))
        worst = max(worst, z)
        # |sigma(z)| <= 1 (sigmoid, tanh, erf), or <= |z| + 1 (softplus, relu, gelu, ...)
        o = 0.0 if get_kernel(activation).bounded else _log2_sum(z, 0.0)
    return math.ceil(worst * (1 + 1e-12)) + 1  # + 1: float rounding and the ceiling's slack


def parse_weights(spec: str, depth: int, *, option: str = "--weights") -> tuple[Fraction, ...]:
    """Turn a ``--weights`` SPEC into exactly ``depth`` exact values.

    ``option`` names the command-line option in error messages (``--biases``...).
    Every value (parsed or drawn) is a :func:`chain_number`.
    """
    what = {"--weights": "weight", "--biases": "bias"}.get(option, option)
    s = str(spec).strip()
    if not s:
        raise InputError(f"empty {option}", hint="give a number, a list, or normal:0,1,seed=7")
    head, sep, body = s.partition(":")
    if sep:
        kind = head.strip().lower()
        if kind not in {"normal", "uniform"}:
            raise InputError(
                f"unknown weight distribution '{head}'", hint="use normal:MEAN,STD or uniform:LO,HI"
            )
        values = _random(kind, body, depth)
        for v in values:
            chain_number(v, what=f"drawn {what}")
        return values
    items = [p.strip() for p in s.split(",")]
    if len(items) == 1:
        return (chain_number(parse_number(items[0], what=what), what=what),) * depth
    if len(items) != depth:
        raise InputError(
            f"{option} lists {len(items)} numbers but the depth is {depth}",
            hint=f"give exactly {depth} numbers, or one number for all",
        )
    return tuple(chain_number(parse_number(v, what=what), what=what) for v in items)
