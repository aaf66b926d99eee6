"""Arguments and numbers shared by the numeric API functions (derive, reference, formats, scan).

Python values in, checked once: a chain from a depth or a :class:`Chain`, the layers of
``wrt``, whole numbers; exact numbers out as JSON decimal strings (with the float64 bit
pattern when the number is a float64 value) and as plain text.

>>> make_chain(3, "tanh", "seed", False).describe()
'seed chain, depth 3, tanh'
>>> layer_list("all", 3), layer_list(2, 3), layer_list([3, 1], 3)
((1, 2, 3), (2,), (1, 3))
>>> exact_decimal(Fraction(1, 8)), exact_decimal(Fraction(-25)), exact_decimal(Fraction(1, 3))
('1.25e-1', '-2.5e+1', '1/3')
>>> number_record(Fraction(1, 2))
{'decimal': '5e-1', 'float64': '3fe0000000000000'}
>>> plain_number(Fraction(1, 10)), plain_number(Fraction(1, 10**30)), plain_number(Fraction(2, 3))
('0.1', '1e-30', '2/3')
"""

from __future__ import annotations

import math
import numbers
import os
import re
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

from symgrad.base.errors import InputError, LimitError, MissingExtraError, SymgradError
from symgrad.core.chain import Chain

__all__ = [
    "chain_json",
    "check_plot_path",
    "exact_decimal",
    "float64_hex",
    "input_errors",
    "layer_list",
    "make_chain",
    "number_record",
    "plain_number",
    "weights_record",
    "whole_number",
]


@contextmanager
def input_errors() -> Iterator[None]:
    """Re-raise a plain :class:`SymgradError` of the layers below as an :class:`InputError`.

    The API promises its callers the subclasses (``InputError``, ``LimitError``,
    ``MissingExtraError``); older parsing code raises the base class for a bad value.

    >>> from symgrad.numeric.formats import parse_formats
    >>> try:
    ...     with input_errors():
    ...         parse_formats("float8")
    ... except InputError as exc:
    ...     print(type(exc).__name__)
    InputError
    """
    try:
        yield
    except (InputError, LimitError, MissingExtraError):
        raise
    except SymgradError as exc:
        raise InputError(exc.message, hint=exc.hint) from exc


def make_chain(depth_or_chain: object, activation: str, form: str, bias: bool) -> Chain:
    """``depth_or_chain`` as a :class:`Chain` (a depth is built with the other arguments)."""
    if isinstance(depth_or_chain, Chain):
        if (activation, form, bias) != ("sigmoid", "seed", False) and (
                activation, form, bias) != (depth_or_chain.activation, depth_or_chain.form,
                                            depth_or_chain.bias):
            raise InputError("activation, form and bias belong to the Chain when a Chain is "
                             "given", hint="pass them to Chain(...) or give a depth instead")
        return depth_or_chain
    return Chain(depth_or_chain, activation=activation, form=form, bias=bias)


def layer_list(wrt: object, depth: int) -> tuple[int, ...]:
    """``"all"``, a layer number, a sequence of them, or the CLI's text ``"1,3"``: sorted layers."""
    if isinstance(wrt, str):
        text = wrt.strip().lower()
        if text == "all":
            return tuple(range(1, depth + 1))
        parts = [p.strip().lstrip("w") for p in text.split(",")]
        if not all(re.fullmatch(r"[0-9]{1,9}", p, re.ASCII) for p in parts):
            raise InputError(f"--wrt '{wrt}' is not a layer number", hint="use 1, 3, 2,5 or all")
        items: list[object] = [int(p) for p in parts]
    elif isinstance(wrt, numbers.Integral) and not isinstance(wrt, bool):
        items = [wrt]
    elif isinstance(wrt, Sequence) or hasattr(wrt, "__iter__"):
        items = list(wrt)  # type: ignore[call-overload]
    else:
        items = [wrt]
    out = set()
    for k in items:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise InputError(f"--wrt {k!r} is not a layer number", hint="use 1, 3, 2,5 or all")
        if not 1 <= k <= depth:
            raise InputError(f"--wrt {k} is outside 1..{depth}", hint="choose a layer of the chain")
        out.add(int(k))
    if not out:
        raise InputError("--wrt names no layer", hint="use 1, 3, 2,5 or all")
    return tuple(sorted(out))


def whole_number(value: object, *, what: str, lo: int, hi: int, example: str) -> int:
    """An int (not a bool) in ``lo..hi``; ``what`` is the CLI option (``--digits``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(f"{what} must be a whole number, got {value!r}", hint=f"e.g. {example}")
    if not lo <= value <= hi:
        raise InputError(f"{what} {value} is outside {lo}..{hi}", hint=f"e.g. {example}")
    return int(value)


def chain_json(chain: Chain) -> dict:
    """The chain for JSON: depth an integer, bias a boolean."""
    return {"depth": chain.depth, "activation": chain.activation, "form": chain.form,
            "bias": chain.bias}


def _finite_decimal(value: Fraction) -> tuple[int, int] | None:
    """(digits, exponent) with value = digits * 10**exponent exactly, or None."""
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    k = max(twos, fives)
    digits = value.numerator * 10**k // value.denominator
    exp = -k
    while digits and digits % 10 == 0:
        digits, exp = digits // 10, exp + 1
    return digits, exp


def exact_decimal(value: Fraction) -> str:
    """The exact value as ``d.ddd…e±N`` (every digit), or ``p/q`` without a finite decimal."""
    if value == 0:
        return "0"
    found = _finite_decimal(value)
    if found is None:
        return f"{value.numerator}/{value.denominator}"
    digits, exp = found
    sign, text = ("-" if digits < 0 else ""), str(abs(digits))
    e = exp + len(text) - 1
    mant = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{sign}{mant}e{'+' if e >= 0 else '-'}{abs(e)}"


def float64_hex(value: Fraction) -> str | None:
    """The 16 hex digits of the float64 equal to ``value``, or None when there is none."""
    try:
        f = float(value)
    except OverflowError:
        return None
    if not math.isfinite(f) or Fraction(f) != value:
        return None
    return struct.pack(">d", f).hex()


def number_record(value: Fraction) -> dict:
    """``{"decimal": exact text, "float64": bit pattern}`` (the latter only for float64 values)."""
    out = {"decimal": exact_decimal(value)}
    bits = float64_hex(value)
    if bits is not None:
        out["float64"] = bits
    return out


def weights_record(values: Sequence[Fraction], spec: str | None) -> dict:
    """Weights as recorded in JSON: the SPEC they came from (or None) and each exact value."""
    return {"spec": spec, "values": [number_record(v) for v in values]}


def plain_number(value: Fraction) -> str:
    """A number for text output: ``0.1`` for short decimals, else ``1e-30`` or ``p/q``."""
    found = _finite_decimal(value)
    if found is None:
        return f"{value.numerator}/{value.denominator}"
    digits, exp = found
    if digits == 0:
        return "0"
    if 0 <= exp <= 6:
        return str(digits * 10**exp)
    if -6 <= exp < 0:
        text = str(abs(digits)).rjust(-exp + 1, "0")
        return ("-" if digits < 0 else "") + text[:exp] + "." + text[exp:]
    return exact_decimal(value).replace("e+", "e")


def check_plot_path(path: str) -> None:
    """Refuse a ``--plot`` path before any work: an unknown extension (the formats of
    :func:`symgrad.present.plotting.plot_format`), a missing or unwritable folder."""
    from symgrad.present.plotting import plot_format

    plot_format(path)
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: folder {folder} does not exist",
                         hint="create it first or choose another --plot path")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {path}: folder {folder} is not writable",
                         hint="choose another --plot path")
