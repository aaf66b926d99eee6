"""Arguments shared by the analysis API functions (hessian, classify, check, verify, report).

Python values in, checked once: a weight point of a chain (weights, biases, input x, each
through :mod:`symgrad.numeric.inputs`), whole numbers and comma lists given either as
Python values or as the command line's text; certified numbers out as JSON (a decimal
string, or a ball ``{"mid", "rad"}`` for a printed enclosure ``mid ± rad``).

>>> from symgrad.core.chain import Chain
>>> chain_point(Chain(2), [0.5, "1/3"])
((Fraction(1, 2), Fraction(1, 3)), None, None)
>>> number_json("2.5e-1"), number_json("0 ± 1.2e-30"), number_json("≤ 3e-2")
('2.5e-1', {'mid': '0', 'rad': '1.2e-30'}, {'mid': '0', 'rad': '3e-2'})
>>> whole(20, what="--digits", lo=1, hi=1000, example="--digits 20"), whole("7", what="--seed",
...       lo=0, hi=9, example="--seed 0")
(20, 7)
>>> name_list("sigmoid, tanh", what="--activations"), name_list(("tanh",), what="--activations")
(('sigmoid', 'tanh'), ('tanh',))
"""

from __future__ import annotations

import numbers

from symgrad.base.errors import InputError
from symgrad.numeric.reference import chain_point
from symgrad.numeric.weights import parse_whole

__all__ = ["chain_point", "name_list", "number_json", "numbers_json", "whole"]


def whole(value: object, *, what: str, lo: int, hi: int, example: str) -> int:
    """A whole number in ``lo..hi``: a Python int, or the command line's text of one.

    ``what`` names the option in the command line's words (``--digits``).
    """
    if isinstance(value, str):
        return parse_whole(value, what=what, lo=lo, hi=hi, example=example)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{what} must be a whole number, got {value!r}", hint=f"e.g. {example}")
    if not lo <= value <= hi:
        raise InputError(f"{what} must be in {lo}..{hi}, got {value}", hint=f"e.g. {example}")
    return int(value)


def name_list(value: object, *, what: str) -> tuple[str, ...]:
    """A comma list (``"a,b"``) or a sequence of names as a tuple (stripped, in order)."""
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    if not all(isinstance(v, str) for v in items):
        raise InputError(f"{what} must be names, got {value!r}", hint=f"e.g. {what} a,b")
    return tuple(v.strip() for v in items if v.strip())


def number_json(text: str) -> str | dict:
    """A printed certified number for JSON: a decimal string as it is; an enclosure printed
    ``mid ± rad`` (radius rounded up) as ``{"mid": mid, "rad": rad}``, and a bound
    ``≤ B`` on the absolute value as ``{"mid": "0", "rad": B}``."""
    text = str(text)
    if text.startswith("≤ "):
        return {"mid": "0", "rad": text[2:]}
    mid, sep, rad = text.partition(" ± ")
    return {"mid": mid, "rad": rad} if sep else mid


def numbers_json(texts) -> list:
    """:func:`number_json` of each entry (nested lists keep their shape)."""
    return [numbers_json(t) if isinstance(t, list) else number_json(t) for t in texts]
