"""Weight specifications: ``--weights SPEC``.

A SPEC is one of

* one number: every weight equal (``1``, ``-0.5``, ``3/4``, ``1e-3``);
* a comma list of exactly L numbers (``0.5,1,2``);
* a seeded random draw: ``normal:MEAN,STD[,seed=N]`` or
  ``uniform:LO,HI[,seed=N]`` (numpy's PCG64 ``default_rng``; seed 0 when
  omitted).  The drawn float64 values are used exactly.

Numbers are parsed from their decimal text into exact fractions (never through
a binary float), so ``0.1`` means exactly 1/10.  NaN and infinities are refused.

>>> parse_weights("1", 3)
(Fraction(1, 1), Fraction(1, 1), Fraction(1, 1))
>>> parse_weights("0.5,1/3", 2)
(Fraction(1, 2), Fraction(1, 3))
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import SymgradError

__all__ = ["MAX_NUMBER_CHARS", "parse_number", "parse_weights"]

MAX_NUMBER_CHARS = 200
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,6})?$")
_RATIO = re.compile(r"^[+-]?\d{1,100}/\d{1,100}$")


def parse_number(text: str, *, what: str = "weight") -> Fraction:
    """Parse a decimal or ``p/q`` number exactly; refuse NaN, inf and junk.

    >>> parse_number("2.5e-1")
    Fraction(1, 4)
    """
    s = str(text).strip()
    if len(s) > MAX_NUMBER_CHARS:
        raise SymgradError(f"{what} '{s[:20]}...' is too long", hint="use at most 200 characters")
    low = s.lower().lstrip("+-")
    if low in {"nan", "inf", "infinity"}:
        raise SymgradError(f"{what} must be finite, got '{s}'", hint="use a finite number")
    if _RATIO.match(s):
        num, den = s.split("/")
        if int(den) == 0:
            raise SymgradError(f"{what} '{s}' divides by zero", hint="use a nonzero denominator")
        return Fraction(int(num), int(den))
    if not _NUMBER.match(s):
        raise SymgradError(
            f"{what} '{s}' is not a number", hint="write e.g. 0.5, -2, 1e-3 or 1/3"
        )
    try:
        return Fraction(Decimal(s))
    except (InvalidOperation, ValueError, OverflowError):  # pragma: no cover - regex guards
        raise SymgradError(f"{what} '{s}' is not a number", hint="write e.g. 0.5") from None


def _random(kind: str, body: str, depth: int) -> tuple[Fraction, ...]:
    import numpy as np  # numeric backend import kept out of module import time

    parts = [p.strip() for p in body.split(",") if p.strip()]
    seed = 0
    params = []
    for p in parts:
        if p.startswith("seed="):
            val = p[5:]
            if not val.isdigit() or len(val) > 20:
                raise SymgradError(f"seed '{val}' must be a non-negative integer", hint="seed=7")
            seed = int(val)
        else:
            params.append(parse_number(p, what=f"{kind} parameter"))
    if len(params) != 2:
        example = "normal:0,1,seed=7" if kind == "normal" else "uniform:-1,1,seed=7"
        raise SymgradError(f"{kind} draw needs two parameters", hint=f"e.g. {example}")
    a, b = (float(v) for v in params)
    rng = np.random.default_rng(seed)
    if kind == "normal":
        if b < 0:
            raise SymgradError("normal standard deviation must be >= 0", hint="normal:0,1")
        draw = rng.normal(a, b, size=depth)
    else:
        if not a < b:
            raise SymgradError("uniform needs LO < HI", hint="uniform:-1,1")
        draw = rng.uniform(a, b, size=depth)
    return tuple(Fraction(float(v)) for v in draw)


def parse_weights(spec: str, depth: int, *, option: str = "--weights") -> tuple[Fraction, ...]:
    """Turn a ``--weights`` SPEC into exactly ``depth`` exact values.

    ``option`` names the command-line option in error messages (``--biases``...).
    """
    s = str(spec).strip()
    if not s:
        raise SymgradError(f"empty {option}", hint="give a number, a list, or normal:0,1,seed=7")
    head, sep, body = s.partition(":")
    if sep:
        kind = head.strip().lower()
        if kind not in {"normal", "uniform"}:
            raise SymgradError(
                f"unknown weight distribution '{head}'", hint="use normal:MEAN,STD or uniform:LO,HI"
            )
        return _random(kind, body, depth)
    items = [p.strip() for p in s.split(",")]
    if len(items) == 1:
        return (parse_number(items[0]),) * depth
    if len(items) != depth:
        raise SymgradError(
            f"{option} lists {len(items)} numbers but the depth is {depth}",
            hint=f"give exactly {depth} numbers, or one number for all",
        )
    return tuple(parse_number(v) for v in items)
