"""Shared output helpers: atomic file writes, stable JSON, decimal strings of bounds.

Every file symgrad writes goes through :func:`write_atomic`: the content goes to
a temporary file in the same folder, which is then renamed over the target, so
an error or Ctrl-C never leaves a half-written file.

Every printed *bound* goes through :func:`format_bound`, which rounds outward
(an upper bound up, a lower bound down) in exact arithmetic, so the printed
number is itself a bound: rounding to nearest would print 1.2437e-7 for an
upper bound of 1.24370571e-7, or 1.0000 for a lower bound of 0.99999.

>>> dumps_json({"b": 1, "a": "2"})
'{\\n  "a": "2",\\n  "b": 1\\n}\\n'
>>> format_bound(Fraction(124370571, 10**15), "upper")
'1.2438e-7'
>>> format_bound(Fraction(99999, 10**5), "lower", 4)
'9.999e-1'
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from symgrad.base.errors import SymgradError

__all__ = ["BOUND_DIRECTIONS", "dumps_json", "ensure_writable_dir", "format_bound", "write_atomic"]


def dumps_json(obj: object) -> str:
    """Serialise ``obj`` as stable JSON (sorted keys, 2-space indent, final newline)."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename.

    Raises :class:`SymgradError` (one line) when the folder cannot be written.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SymgradError(
            f"cannot write {target}: folder {folder} does not exist",
            hint="create it first or choose another path",
        )
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SymgradError(
            f"cannot write {target}: {exc.strerror}", hint="choose a writable path"
        ) from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; use the usual mode
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SymgradError(
                f"cannot write {target}: {exc.strerror}", hint="choose a writable path"
            ) from None
        raise
    return target


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and parents) if needed and check that it is writable."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SymgradError(
            f"cannot create folder {folder}: {exc.strerror}", hint="choose a writable --out"
        ) from None
    if not os.access(folder, os.W_OK):
        raise SymgradError(f"folder {folder} is not writable", hint="choose a writable --out")
    return folder


#: the two directions of :func:`format_bound`
BOUND_DIRECTIONS = ("upper", "lower")
#: arb endpoints whose binary exponent exceeds this are rounded with arb balls
#: instead of exact integers (10**e itself would have ~e digits)
_EXACT_EXP_CAP = 1 << 20


def _sci_text(negative: bool, q: int, exp10: int) -> str:
    """``(-1)**negative * q * 10**exp10`` as ``d.ddde±N`` (trailing zeros dropped)."""
    digits = str(q)
    e = exp10 + len(digits) - 1
    digits = digits.rstrip("0") or "0"
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{'-' if negative else ''}{mant}e{e:+d}"


def _round_exact(v: Fraction, digits: int, away: bool) -> str:
    """|v| rounded to ``digits`` significant digits away from 0 (``away``) or toward 0,
    by integer arithmetic only (no floating point, no rounding)."""
    negative, a = v < 0, abs(v)
    num, den = a.numerator, a.denominator
    # 10**e <= a < 10**(e+1): estimate from the bit lengths, then correct exactly
    e = int((num.bit_length() - den.bit_length()) * 0.30102999566398120)
    while (num * 10**-e < den) if e < 0 else (num < den * 10**e):
        e -= 1
    while (num * 10**-(e + 1) >= den) if e + 1 < 0 else (num >= den * 10**(e + 1)):
        e += 1
    shift = digits - 1 - e  # scaled = a * 10**shift has `digits` digits before the point
    top, bottom = (num * 10**shift, den) if shift >= 0 else (num, den * 10**-shift)
    q, rest = divmod(top, bottom)
    if away and rest:
        q += 1
    return _sci_text(negative, q, -shift)


def _round_arb(x, digits: int, away: bool) -> str:
    """Like :func:`_round_exact` for an exact arb ``x`` of huge binary exponent, with arb
    balls: the scaled value is enclosed, and its far (or near) end rounded outward, so the
    result is still a bound (at worst one unit in the last digit looser)."""
    from flint import arb, ctx

    negative = x < 0
    a = abs(x)
    with ctx.workprec(64 + 4 * digits + 2 * a.mid().man_exp()[1].bit_length()):
        log10 = a.log() / arb(10).log()
        # floor of the exact lower end: e may be one too small (then q has one more digit)
        e = int(log10.lower().floor().unique_fmpz())
        scaled = a * arb(10) ** (digits - 1 - e)
        end = scaled.upper() if away else scaled.lower()
        man, exp = (int(t) for t in end.man_exp())
    f = Fraction(man) * Fraction(2) ** exp
    q = -(-f.numerator // f.denominator) if away else f.numerator // f.denominator
    return _sci_text(bool(negative), max(q, 1) if away else q, e - digits + 1)


def format_bound(value, direction: str, digits: int = 5) -> str:
    """A bound as a decimal string rounded *outward*: ``"upper"`` rounds up (toward +inf),
    ``"lower"`` rounds down (toward -inf), so the printed number is still a bound.

    ``value``: an exact number (int, Fraction, SymPy Rational, float, Decimal) or an
    Arb ball, whose upper (``"upper"``) or lower (``"lower"``) end is the bound.  The
    rounding is exact (integer decimal arithmetic on the exact rational; arb balls
    only for endpoints of astronomically large exponent).  An infinite or undefined
    end gives ``"inf"`` / ``"-inf"`` (always a true bound).

    >>> format_bound(Fraction(1, 3), "upper", 3), format_bound(Fraction(1, 3), "lower", 3)
    ('3.34e-1', '3.33e-1')
    >>> format_bound(Fraction(-1, 3), "upper", 3), format_bound(Fraction(-1, 3), "lower", 3)
    ('-3.33e-1', '-3.34e-1')
    >>> format_bound(Fraction(1, 4), "upper"), format_bound(Fraction(9999999, 10**6), "upper", 3)
    ('2.5e-1', '1e+1')
    """
    if direction not in BOUND_DIRECTIONS:
        raise ValueError(f"direction must be 'upper' or 'lower', got {direction!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    up = direction == "upper"
    if hasattr(value, "rad") and hasattr(value, "upper"):  # an arb ball: its end
        if not value.is_finite():
            return "inf" if up else "-inf"
        (mm, me), (rm, re_) = (tuple(int(t) for t in b.man_exp())
                               for b in (value.mid(), value.rad()))
        if max(abs(me), abs(re_)) > _EXACT_EXP_CAP:
            from flint import ctx

            # arb's end at a precision that keeps every bit of mid and rad (rounded outward)
            with ctx.workprec(2 * (abs(mm).bit_length() + rm.bit_length()) + 64):
                end = value.upper() if up else value.lower()
            man = int(end.man_exp()[0])
            return "0" if man == 0 else _round_arb(end, digits, away=(man > 0) == up)
        mid, rad = Fraction(mm) * Fraction(2) ** me, Fraction(rm) * Fraction(2) ** re_
        v = mid + rad if up else mid - rad  # the exact end
    elif hasattr(value, "p") and hasattr(value, "q"):  # SymPy Rational / Integer
        v = Fraction(int(value.p), int(value.q))
    elif isinstance(value, (int, Fraction, Decimal, float)):
        if isinstance(value, (float, Decimal)) and not math.isfinite(value):
            raise ValueError(f"a bound must be finite, got {value}")
        v = Fraction(value)
    else:
        raise TypeError(f"cannot format a bound of type {type(value).__name__}")
    if v == 0:
        return "0"
    return _round_exact(v, digits, away=(v > 0) == up)
