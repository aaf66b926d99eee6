"""Decimal text of certified numbers: correct rounding and outward radii.

Two rules, used by every path that prints digits:

* **D correct digits** means: the printed D-significant-digit decimal is the
  exact value rounded to nearest (ties to even).  For an exact rational this
  is computed exactly (:func:`round_rational`).  For a ball [lo, hi] it is
  *decided* only when both ends round to the same decimal
  (:func:`round_ball`); otherwise the caller must raise the precision.  An
  irrational value never lies on a tie, so raising the precision decides it.
* **Radii and bounds round outward**: a printed radius is rounded *up*
  (:func:`radius_text`), so ``[mid - rad, mid + rad]`` always contains the
  exact value.

All arithmetic is on Python integers (decimal mantissa and exponent), so
magnitudes such as 10^-(10^100) are as cheap as 0.5.

>>> from fractions import Fraction
>>> round_rational(Fraction(1, 3), 5)
'3.3333e-1'
>>> round_rational(Fraction(5, 2), 1)   # a tie goes to the even digit
'2e+0'
>>> from flint import arb
>>> round_ball(arb(1) / 3, 5)
'3.3333e-1'
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flint import arb

__all__ = [
    "ball_text",
    "decimal_enclosure",
    "int_text",
    "printed_radius",
    "radius_text",
    "round_ball",
    "round_rational",
    "round_text",
    "sci_text",
]


def sci_text(digits: str, exp10: int) -> str:
    """``digits`` (a positive integer's text) times 10**exp10 as ``d.ddd...e±N``.

    >>> sci_text("12", -3)
    '1.2e-2'
    """
    e = exp10 + len(digits) - 1
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mant}e{e:+d}"


def _ndigits(n: int) -> int:
    """The number of decimal digits of the positive integer n (no conversion to text)."""
    k = max(1, (n.bit_length() * 30103) // 100000)
    while n >= 10**k:
        k += 1
    while k > 1 and n < 10 ** (k - 1):
        k -= 1
    return k


def _round_int(n: int, exp10: int, digits: int) -> tuple[int, int]:
    """The positive n*10**exp10 rounded to nearest (ties to even) at ``digits`` significant
    digits, as (q, e) with q*10**e and q < 10**digits."""
    drop = _ndigits(n) - digits
    if drop <= 0:  # pad: always ``digits`` digits
        return n * 10**-drop, exp10 + drop
    q, rest = divmod(n, 10**drop)
    twice = 2 * rest
    if twice > 10**drop or (twice == 10**drop and q % 2 == 1):
        q += 1
    if q == 10**digits:  # 9.99.. carried into a new digit
        q, drop = q // 10, drop + 1
    return q, exp10 + drop


def int_text(n: int) -> str:
    """The decimal text of a non-negative integer of any size (Python refuses ``str`` above
    4300 digits by default; this converts in chunks instead of changing that global).

    >>> len(int_text(10**5000))
    5001
    """
    if n.bit_length() <= 13_000:  # n < 2**13000 < 10**4000: one str(), no chunking
        return str(n)
    chunk = 10**4000
    parts = []
    while n >= chunk:
        n, low = divmod(n, chunk)
        parts.append(str(low).rjust(4000, "0"))
    return str(n) + "".join(reversed(parts))


def _text(sign: str, q: int, e: int) -> str:
    return sign + sci_text(int_text(q), e)


def _decade(a: Fraction) -> int:
    """k with 10**(k-1) <= a < 10**k for a positive rational (no conversion to text)."""
    bits = a.numerator.bit_length() - a.denominator.bit_length()
    k = (bits * 30103) // 100000  # log10(2) = 0.30103, an estimate within 1
    while a >= Fraction(10) ** k:
        k += 1
    while a < Fraction(10) ** (k - 1):
        k -= 1
    return k


def round_text(text: str, digits: int) -> str:
    """A printed decimal ``d.ddde±N`` rounded again to ``digits`` significant digits.

    >>> round_text("1.2345e-3", 3)
    '1.23e-3'
    """
    n, e = _parse(text)
    if n == 0:
        return "0"
    return _text("-" if n < 0 else "", *_round_int(abs(n), e, digits))


def round_rational(value: Fraction, digits: int) -> str:
    """The exact rational ``value`` correctly rounded to ``digits`` significant digits."""
    if value == 0:
        return "0"
    sign, a = ("-" if value < 0 else ""), abs(value)
    k = _decade(a)
    scaled = a / Fraction(10) ** (k - digits)  # in [10**(digits-1), 10**digits)
    q, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and q % 2 == 1):
        q += 1
    e = k - digits
    if q == 10**digits:
        q, e = q // 10, e + 1
    return _text(sign, q, e)


def _dyadic(value: arb) -> Fraction:
    man, exp = (int(v) for v in value.man_exp())
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def _fast_ends(ball: arb, digits: int) -> tuple[int, int, int]:
    """Integers (lo, hi, e) with the ball inside [lo*10**e, hi*10**e] (arb's own outward
    decimal conversion, ``digits`` + 5 digits of midpoint; it may widen by one unit)."""
    m, r, e = (int(v) for v in ball.mid_rad_10exp(digits + 5))
    return m - r, m + r, e


def _decimal_ends(ball: arb, digits: int) -> tuple[int, int, int]:
    """Like :func:`_fast_ends`, but the exact floor/ceiling of the ball's dyadic ends when
    their exponents are moderate (so a printed radius is not widened needlessly)."""
    mid, rad = ball.mid(), ball.rad()
    exps = [int(v.man_exp()[1]) for v in (mid, rad) if not v.is_zero()]
    if any(abs(x) > 2_000 for x in exps):
        return _fast_ends(ball, digits)
    m, r = _dyadic(mid), _dyadic(rad)
    top = max(abs(m - r), abs(m + r))
    e = (_decade(top) if top else 0) - digits - 5
    scale = Fraction(10) ** e
    lo, hi = (m - r) / scale, (m + r) / scale
    return lo.numerator // lo.denominator, -(-hi.numerator // hi.denominator), e


def round_ball(ball: arb, digits: int) -> str | None:
    """The ball's value correctly rounded to ``digits`` significant digits, or ``None``
    when the ball does not decide it (it straddles a rounding boundary or contains 0).

    The ends are converted with ``digits`` + 5 digits first, then, if that is too coarse
    to decide a value close to a rounding boundary, with all the digits the ball has.
    """
    if not ball.is_finite():
        return None
    if ball.is_zero():
        return "0"
    if ball.is_exact() and abs(int(ball.mid().man_exp()[1])) <= 100_000:
        return round_rational(_dyadic(ball), digits)
    tried = digits + 5
    text = _round_ends(ball, digits, tried)
    if text is None and 0 not in ball and not ball.is_exact():
        full = min(ball.rel_accuracy_bits(), 10**6) * 30103 // 100000 + 5
        if full > tried:
            text = _round_ends(ball, digits, full - 5)
    return text


def _round_ends(ball: arb, digits: int, convert: int) -> str | None:
    lo, hi, e = _fast_ends(ball, convert)
    if lo <= 0 <= hi:
        return None
    sign = "-" if hi < 0 else ""
    a, b = (-hi, -lo) if hi < 0 else (lo, hi)
    ra, rb = _round_int(a, e, digits), _round_int(b, e, digits)
    return _text(sign, *ra) if ra == rb else None


def ball_text(ball: arb, digits: int) -> str:
    """The ball's value correctly rounded to as many significant digits as it decides, at
    most ``digits`` (fewer digits rather than a wrong one); ``"≤ B"`` with B an upper bound
    of |value| (rounded up) when it does not decide even the first digit.

    >>> ball_text(arb(1) / 3, 3)
    '3.33e-1'
    >>> ball_text(arb("0.125 +/- 0.01"), 3)
    '1e-1'
    >>> ball_text(arb(0, 0.25), 3)  # Arb keeps the radius rounded up: 0.2500000005
    '≤ 2.6e-1'
    """
    if ball.is_zero():
        return "0"
    for d in range(digits, 0, -1):
        text = round_ball(ball, d)
        if text is not None:
            return text
    if not ball.is_finite():
        return "nan"
    lo, hi, e = _decimal_ends(ball, 20)
    return "≤ " + _up_2(max(abs(lo), abs(hi)), e)


def _up_2(r: int, exp10: int) -> str:
    """The non-negative r*10**exp10 rounded *up* to 2 significant digits."""
    if r == 0:
        return "0"
    shift = max(0, _ndigits(r) - 2)
    q = -(-r // 10**shift)  # ceiling division
    if q >= 100:  # 99.x rounded up to 100
        q, shift = q // 10, shift + 1
    return sci_text(int_text(q), exp10 + shift)


def radius_text(value: Fraction) -> str:
    """A non-negative exact rational rounded *up* to 2 significant digits.

    >>> radius_text(Fraction(1, 3))
    '3.4e-1'
    """
    if value <= 0:
        return "0"
    k = _decade(value) - 6
    scaled = value / Fraction(10) ** k
    return _up_2(-(-scaled.numerator // scaled.denominator), k)


def _parse(text: str) -> tuple[int, int]:
    """``d.ddde±N`` (as printed here) as (signed integer mantissa, exponent)."""
    if text == "0":
        return 0, 0
    mant, _, exp = text.partition("e")
    neg = mant.startswith("-")
    whole, _, frac = mant.lstrip("-").partition(".")
    n = int(Decimal(whole + frac))  # int(str) refuses more than 4300 digits; Decimal does not
    return (-n if neg else n), int(exp) - len(frac)


def printed_radius(ball: arb, printed: str) -> str:
    """A radius, rounded up, such that [printed - rad, printed + rad] contains the ball.
    The ends are converted with 10 digits more than ``printed`` shows (and at least 20),
    so the radius reflects the ball, not the conversion."""
    shown = len(printed.partition("e")[0].replace("-", "").replace(".", ""))
    lo, hi, e = _decimal_ends(ball, max(20, shown + 10))
    p, pe = _parse(printed)
    if printed == "0":
        pe = e
    common = min(e, pe)
    lo, hi, p = lo * 10 ** (e - common), hi * 10 ** (e - common), p * 10 ** (pe - common)
    return _up_2(max(hi - p, p - lo, 0), common)


def decimal_enclosure(ball: arb, digits: int) -> tuple[str, str]:
    """(mid, rad) decimal strings with ``digits`` significant digits in ``mid`` such that
    the ball lies inside ``[mid - rad, mid + rad]`` (rad rounded up; integer arithmetic).
    ``mid`` is the ball's midpoint rounded to nearest, not a correctly rounded value.

    >>> decimal_enclosure(arb(1) / 3, 5)
    ('3.3333e-1', '3.4e-6')
    """
    if not ball.is_finite():
        return "nan", "inf"
    if ball.is_zero():
        return "0", "0"
    m, r, e = (int(v) for v in ball.mid_rad_10exp(digits + 5))
    if m == 0:
        return "0", _up_2(r, e)
    sign, a = ("-" if m < 0 else ""), abs(m)
    q, qe = _round_int(a, e, digits)
    common = min(e, qe)
    r = r * 10 ** (e - common) + abs(q * 10 ** (qe - common) - a * 10 ** (e - common))
    return _text(sign, q, qe), _up_2(r, common)
