"""Python values as exact numbers: the library's one entry point for user numbers.

Every number a library user passes (a weight, a bias, an input, a step size) becomes an
exact :class:`~fractions.Fraction` here, and only here:

* ``int``, :class:`~fractions.Fraction`, :class:`~decimal.Decimal` (finite): their exact value;
* ``float`` and numpy floating scalars (``float16`` ... ``float64``, ``bfloat16``): **the exact
  binary value the float holds** (``0.1`` is 3602879701896397/36028797018963968, not 1/10).
  Write ``"0.1"`` or ``Fraction(1, 10)`` for the decimal;
* ``str``: an exact decimal or ``p/q`` (``"0.1"`` is 1/10), with the command line's rules;
* mpmath ``mpf`` and SymPy ``Integer``/``Rational``/``Float``: their exact value;
* numpy arrays and any sequence of the above, element by element.

``bool``, complex numbers, NaN and infinities are refused with a one-line
:class:`~symgrad.base.errors.InputError`.  A weights argument may also be the command
line's SPEC string (``"1"``, ``"0.5,1,2"``, ``"normal:0,1,seed=7"``):
:func:`exact_weights` expands it to ``depth`` values, and :func:`draw_weights` is the
explicit helper for seeded draws.

>>> exact_number(0.5), exact_number("0.1"), exact_number(0.1) == Fraction(1, 10)
(Fraction(1, 2), Fraction(1, 10), False)
>>> import numpy as np
>>> exact_weights(np.array([0.5, 1.0, 2.0]), 3)
(Fraction(1, 2), Fraction(1, 1), Fraction(2, 1))
>>> exact_weights("normal:0,1,seed=7", 2) == draw_weights("normal:0,1", 2, seed=7)
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from symgrad.base.errors import InputError
from symgrad.numeric.weights import chain_number, parse_number, parse_weights

__all__ = ["draw_weights", "exact_number", "exact_numbers", "exact_weights"]


def _refuse(value: object, what: str, why: str) -> InputError:
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return InputError(f"{what} {text} {why}",
                      hint="give an int, float, Fraction, Decimal, decimal string, or an mpmath "
                           "or SymPy number")


def _from_float(value: float, what: str) -> Fraction:
    if not math.isfinite(value):
        raise InputError(f"{what} must be finite, got {value!r}", hint="use a finite number")
    return Fraction(value)


def _from_mpf(value, what: str) -> Fraction:
    sign, man, exp, _bc = value._mpf_  # mpmath's exact (sign, mantissa, exponent, bits)
    if not man and exp:  # mpmath encodes inf and nan with a zero mantissa
        raise InputError(f"{what} must be finite, got {value}", hint="use a finite number")
    v = Fraction(int(man)) * (Fraction(2) ** int(exp))  # gmpy2 mpz -> int: flint needs ints
    return -v if sign else v


def _from_sympy(value, what: str) -> Fraction:
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))
    if getattr(value, "is_Float", False):
        return _from_float_tuple(value._mpf_, value, what)
    raise _refuse(value, what, "is not a number (a SymPy expression with symbols or a "
                               "non-rational constant)")


def _from_float_tuple(mpf, value, what: str) -> Fraction:
    sign, man, exp, _bc = mpf
    if not man and exp:
        raise InputError(f"{what} must be finite, got {value}", hint="use a finite number")
    v = Fraction(int(man)) * (Fraction(2) ** exp)
    return -v if sign else v


def _plural(what: str) -> str:
    """``bias`` -> ``biases``, ``weight`` -> ``weights``."""
    return what + ("es" if what.endswith("s") else "s")


def exact_number(value: object, *, what: str = "number") -> Fraction:
    """``value`` as an exact Fraction (see the module docstring for the accepted types).

    >>> exact_number(Decimal("1e-3")), exact_number(2**-1074) == Fraction(1, 2**1074)
    (Fraction(1, 1000), True)
    """
    if isinstance(value, bool):
        raise _refuse(value, what, "is a bool, not a number")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float):
        return _from_float(value, what)
    if isinstance(value, str):
        return parse_number(value, what=what)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{what} must be finite, got {value}", hint="use a finite number")
        return Fraction(value)
    if hasattr(value, "_mpf_") and type(value).__module__.startswith("mpmath"):
        return _from_mpf(value, what)
    if type(value).__module__.startswith("sympy"):
        return _from_sympy(value, what)
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():  # numpy scalar/0-d
        kind = value.dtype.kind
        if kind in "iu":
            return Fraction(int(value))
        if kind == "b":
            raise _refuse(value, what, "is a bool, not a number")
        if kind == "f" or str(value.dtype) == "bfloat16":
            return _from_float(float(value), what)  # widening to float64 is exact
        raise _refuse(value, what, f"has dtype {value.dtype}, not a real number type")
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        return _from_float(float(value), what)
    raise _refuse(value, what, "is not a number")


def exact_numbers(values: Iterable[object], *, what: str = "number") -> tuple[Fraction, ...]:
    """Each of ``values`` (a sequence or a 1-D numpy array) as an exact Fraction.

    >>> exact_numbers([1, "1/3", 0.25])
    (Fraction(1, 1), Fraction(1, 3), Fraction(1, 4))
    """
    if isinstance(values, str | bytes):
        raise InputError(f"{_plural(what)} must be a sequence of numbers, got the string "
                         f"{values!r}",
                         hint="pass a list, e.g. [0.5, 1, 2]")
    shape = getattr(values, "shape", None)
    if shape is not None and len(shape) != 1:
        raise InputError(f"{_plural(what)} must be one-dimensional, got an array of shape "
                         f"{shape}",
                         hint="pass a 1-D array or a list")
    try:
        items = list(values)
    except TypeError:
        raise _refuse(values, _plural(what), "is not a sequence of numbers") from None
    return tuple(exact_number(v, what=what) for v in items)


def exact_weights(values: object, depth: int, *, what: str = "weight") -> tuple[Fraction, ...]:
    """``depth`` exact chain numbers: one number for all, a sequence of ``depth``, or a SPEC.

    A string is the command line's SPEC (one number, a comma list, ``normal:MEAN,STD,seed=N``
    or ``uniform:LO,HI,seed=N``).  Every value is within the chain's limit
    (:func:`~symgrad.numeric.weights.chain_number`).

    >>> exact_weights(1, 2), exact_weights("0.5,2", 2)
    ((Fraction(1, 1), Fraction(1, 1)), (Fraction(1, 2), Fraction(2, 1)))
    """
    if isinstance(values, str):
        option = {"weight": "--weights", "bias": "--biases"}.get(what, f"--{what}s")
        return parse_weights(values, depth, option=option)
    if not hasattr(values, "__iter__") or getattr(values, "shape", None) == ():
        v = chain_number(exact_number(values, what=what), what=what)
        return (v,) * depth
    out = exact_numbers(values, what=what)
    if len(out) != depth:
        raise InputError(f"{len(out)} {_plural(what)} given for depth {depth}",
                         hint=f"pass exactly {depth} {_plural(what)}, or one number for all")
    return tuple(chain_number(v, what=what) for v in out)


def draw_weights(distribution: str, depth: int, *, seed: int) -> tuple[Fraction, ...]:
    """``depth`` seeded draws, ``"normal:MEAN,STD"`` or ``"uniform:LO,HI"`` (numpy's PCG64).

    Each draw is the float64 numpy returns, taken exactly; the same seed gives the same
    weights as the command line's ``--weights normal:MEAN,STD,seed=SEED``.

    >>> draw_weights("uniform:-1,1", 3, seed=0) == draw_weights("uniform:-1,1", 3, seed=0)
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be a whole number >= 0, got {seed!r}", hint="e.g. seed=7")
    kind, sep, _ = str(distribution).partition(":")
    if not sep or kind.strip().lower() not in {"normal", "uniform"} or "seed" in distribution:
        raise InputError(f"unknown distribution {distribution!r}",
                         hint="use 'normal:MEAN,STD' or 'uniform:LO,HI' and pass seed=N")
    return parse_weights(f"{distribution},seed={seed}", depth)
